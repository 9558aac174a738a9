import { CC0, publicSection } from './public.config';

describe('the public view configuration', () => {
  it('is on by default, CC0, with the base address from each request', () => {
    expect(publicSection({})).toEqual({ enabled: true, license: CC0, baseUrl: null, contactEmail: null });
  });

  it('takes DGR_PUBLIC on or off, in any case and with spaces', () => {
    expect(publicSection({ DGR_PUBLIC: 'off' }).enabled).toBe(false);
    expect(publicSection({ DGR_PUBLIC: ' OFF ' }).enabled).toBe(false);
    expect(publicSection({ DGR_PUBLIC: 'on' }).enabled).toBe(true);
    expect(publicSection({ DGR_PUBLIC: '' }).enabled).toBe(true);
  });

  it('takes the catalogue\'s contact e-mail, and refuses one that is not an address', () => {
    expect(publicSection({ DGR_PUBLIC_CONTACT_EMAIL: ' dgr@regionvarmland.se ' }).contactEmail).toBe('dgr@regionvarmland.se');
    expect(() => publicSection({ DGR_PUBLIC_CONTACT_EMAIL: 'Region Värmland' })).toThrow(/^DGR_PUBLIC_CONTACT_EMAIL: must be an e-mail address/);
  });

  it('refuses anything else, naming the variable', () => {
    expect(() => publicSection({ DGR_PUBLIC: 'false' })).toThrow('DGR_PUBLIC: must be on or off, got "false"');
    expect(() => publicSection({ DGR_PUBLIC_LICENSE: 'CC0' })).toThrow(/^DGR_PUBLIC_LICENSE: must be the licence's address/);
    expect(() => publicSection({ DGR_PUBLIC_BASE_URL: 'dgr.regionvarmland.se' })).toThrow(/^DGR_PUBLIC_BASE_URL: must be an address/);
  });

  it('takes a licence and a base address (without its trailing slash)', () => {
    expect(publicSection({ DGR_PUBLIC_LICENSE: 'https://creativecommons.org/licenses/by/4.0/', DGR_PUBLIC_BASE_URL: 'https://dgr.regionvarmland.se/' })).toEqual({
      enabled: true,
      license: 'https://creativecommons.org/licenses/by/4.0/',
      baseUrl: 'https://dgr.regionvarmland.se',
      contactEmail: null,
    });
  });
});
