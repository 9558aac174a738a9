import { CC0, publicConfigOf } from './public-config';

const invalid = (variable: string, message: string) => new Error(`${variable}: ${message}`);

describe('the public view configuration', () => {
  it('is on by default, CC0, with the base address from each request', () => {
    expect(publicConfigOf({}, invalid)).toEqual({ enabled: true, license: CC0, baseUrl: null });
  });

  it('takes DGR_PUBLIC on or off, in any case and with spaces', () => {
    expect(publicConfigOf({ DGR_PUBLIC: 'off' }, invalid).enabled).toBe(false);
    expect(publicConfigOf({ DGR_PUBLIC: ' OFF ' }, invalid).enabled).toBe(false);
    expect(publicConfigOf({ DGR_PUBLIC: 'on' }, invalid).enabled).toBe(true);
    expect(publicConfigOf({ DGR_PUBLIC: '' }, invalid).enabled).toBe(true);
  });

  it('refuses anything else, naming the variable', () => {
    expect(() => publicConfigOf({ DGR_PUBLIC: 'false' }, invalid)).toThrow('DGR_PUBLIC: must be on or off, got "false"');
    expect(() => publicConfigOf({ DGR_PUBLIC_LICENSE: 'CC0' }, invalid)).toThrow(/^DGR_PUBLIC_LICENSE: must be the licence's address/);
    expect(() => publicConfigOf({ DGR_PUBLIC_BASE_URL: 'dgr.regionvarmland.se' }, invalid)).toThrow(/^DGR_PUBLIC_BASE_URL: must be an address/);
  });

  it('takes a licence and a base address (without its trailing slash)', () => {
    expect(publicConfigOf({ DGR_PUBLIC_LICENSE: 'https://creativecommons.org/licenses/by/4.0/', DGR_PUBLIC_BASE_URL: 'https://dgr.regionvarmland.se/' }, invalid)).toEqual({
      enabled: true,
      license: 'https://creativecommons.org/licenses/by/4.0/',
      baseUrl: 'https://dgr.regionvarmland.se',
    });
  });
});
