import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Public } from '../auth/access.decorators';

/**
 * The project's folder: the nearest directory above `from` holding package.json (from source under jest,
 * apps/api/src/web; from the build, dist/apps/api/src/web).
 */
export const projectRoot = (from: string = __dirname): string => {
  let dir = from;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${from}: cannot find web/assets`);
    dir = parent;
  }
};

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The files of web/assets, read once at start: name → [content type, bytes]. */
const loadAssets = (dir: string): Map<string, { type: string; body: Buffer }> => {
  const assets = new Map<string, { type: string; body: Buffer }>();
  for (const name of fs.readdirSync(dir)) {
    const type = TYPES[path.extname(name)];
    if (type) assets.set(name, { type, body: fs.readFileSync(path.join(dir, name)) });
  }
  return assets;
};

/** The pages' stylesheet, script and icon, from the top-level web/assets folder (no file outside it is served). */
@ApiExcludeController()
@Controller()
@Public()
export class AssetsController {
  private readonly assets = loadAssets(path.join(projectRoot(), 'web', 'assets'));

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    this.send(file, res);
  }

  /**
   * Where browsers look for an icon when a page names none (a JSON answer, a file opened directly): the pages'
   * own icon (`<link rel="icon">`, web/assets/icon.svg), rather than a 404 in the browser's console.
   */
  @Get('favicon.ico')
  favicon(@Res() res: Response): void {
    this.send('icon.svg', res);
  }

  private send(file: string, res: Response): void {
    const asset = this.assets.get(file);
    if (!asset) throw new NotFoundException('Filen finns inte.');
    res.status(200).type(asset.type).setHeader('Cache-Control', 'no-cache');
    res.send(asset.body);
  }
}
