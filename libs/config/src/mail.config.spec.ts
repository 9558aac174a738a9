import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config-error';
import { loadConfig } from './config';
import { redactSmtpUrl } from './mail.config';

describe('configuration of reminders by e-mail', () => {
  it('takes DGR_SMTP_URL, DGR_MAIL_FROM and inline DGR_PARTY_CONTACTS', () => {
    expect(
      loadConfig({
        DGR_SMTP_URL: 'smtps://dgr:hemligt@smtp.regionvarmland.se:465',
        DGR_MAIL_FROM: 'DGR-sekretariatet <dgr@regionvarmland.se>',
        DGR_PARTY_CONTACTS: '{"1780": " registrator@karlstad.se ", "17": "registrator@regionvarmland.se"}',
      }).mail,
    ).toEqual({
      smtpUrl: 'smtps://dgr:hemligt@smtp.regionvarmland.se:465',
      from: 'DGR-sekretariatet <dgr@regionvarmland.se>',
      contacts: { '1780': 'registrator@karlstad.se', '17': 'registrator@regionvarmland.se' },
    });
  });

  it('reads DGR_PARTY_CONTACTS from a JSON file when it is a path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dgr-contacts-'));
    try {
      const file = join(dir, 'contacts.json');
      writeFileSync(file, JSON.stringify({ '1765': 'kommun@arjang.se' }));
      expect(loadConfig({ DGR_PARTY_CONTACTS: file }).mail.contacts).toEqual({ '1765': 'kommun@arjang.se' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [{ DGR_SMTP_URL: 'localhost:25' }, 'DGR_SMTP_URL'],
    [{ DGR_SMTP_URL: 'http://localhost:25' }, 'DGR_SMTP_URL'],
    [{ DGR_SMTP_URL: 'smtp://' }, 'DGR_SMTP_URL'],
    [{ DGR_SMTP_URL: 'not a url' }, 'DGR_SMTP_URL'],
    [{ DGR_MAIL_FROM: 'DGR' }, 'DGR_MAIL_FROM'],
    [{ DGR_MAIL_FROM: 'DGR <dgr at example.se>' }, 'DGR_MAIL_FROM'],
    [{ DGR_PARTY_CONTACTS: '{"1780": ' }, 'DGR_PARTY_CONTACTS'],
    [{ DGR_PARTY_CONTACTS: '/no/such/contacts.json' }, 'DGR_PARTY_CONTACTS'],
    [{ DGR_PARTY_CONTACTS: '{"9999": "a@b.se"}' }, 'DGR_PARTY_CONTACTS'],
    [{ DGR_PARTY_CONTACTS: '{"1780": "registrator karlstad.se"}' }, 'DGR_PARTY_CONTACTS'],
    [{ DGR_PARTY_CONTACTS: '{"1780": ["a@b.se"]}' }, 'DGR_PARTY_CONTACTS'],
    [{ DGR_PARTY_CONTACTS: '{"1780": "A <a@b.se>"}' }, 'DGR_PARTY_CONTACTS'],
  ])('refuses %j, naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${variable}: `));
  });

  it('names the bad party code and the bad address', () => {
    expect(() => loadConfig({ DGR_PARTY_CONTACTS: '{"1799": "a@b.se"}' })).toThrow(/"1799" is not a party's SCB code/);
    expect(() => loadConfig({ DGR_PARTY_CONTACTS: '{"1780": "nej"}' })).toThrow(/address of 1780 .* got "nej"/);
  });

  it('never shows the SMTP password in messages', () => {
    expect(redactSmtpUrl('smtps://dgr:hemligt@smtp.example.se:465')).toBe('smtps://dgr:***@smtp.example.se:465');
    expect(redactSmtpUrl('smtp://127.0.0.1:2525')).toBe('smtp://127.0.0.1:2525');
  });
});
