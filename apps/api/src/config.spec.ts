import { ConfigError, loadConfig } from './config';

describe('configuration', () => {
  it('defaults to port 3000 and ./data/dgr.sqlite', () => {
    expect(loadConfig({})).toEqual({ port: 3000, sqliteFile: './data/dgr.sqlite' });
  });

  it('takes PORT and DGR_SQLITE_FILE', () => {
    expect(loadConfig({ PORT: '8080', DGR_SQLITE_FILE: '/var/lib/dgr/log.sqlite' })).toEqual({
      port: 8080,
      sqliteFile: '/var/lib/dgr/log.sqlite',
    });
  });

  it.each(['abc', '-1', '3000.5', '70000'])('refuses PORT=%s, naming the variable', (port) => {
    expect(() => loadConfig({ PORT: port })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: port })).toThrow(/^PORT: /);
  });

  it('refuses an empty DGR_SQLITE_FILE, naming the variable', () => {
    expect(() => loadConfig({ DGR_SQLITE_FILE: '  ' })).toThrow(/^DGR_SQLITE_FILE: /);
  });
});
