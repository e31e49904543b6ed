/**
 * Renders the app icon (client/icons/icon.svg) to the PNGs the manifest lists, with Chromium: 192 and 512 px, and a
 * maskable 512 px one (full-bleed background, the mark inside the safe zone). Run after changing the SVG:
 * node platform/web/icons.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from './browser.ts';
import { clientDir } from './build.ts';

const svg = readFileSync(join(clientDir, 'icons', 'icon.svg'), 'utf8');
const page = (size: number, maskable: boolean): string => {
  const mark = maskable ? Math.round(size * 0.7) : size;
  return `<body style="margin:0;width:${String(size)}px;height:${String(size)}px;display:grid;place-items:center;background:${maskable ? '#0b1220' : 'transparent'}"><div style="width:${String(mark)}px;height:${String(mark)}px">${svg.replace('<svg ', '<svg width="100%" height="100%" ')}</div></body>`;
};

const browser = await launchChromium();
try {
  for (const [name, size, maskable] of [
    ['icon-192.png', 192, false],
    ['icon-512.png', 512, false],
    ['icon-maskable-512.png', 512, true],
  ] as const) {
    const tab = await browser.newPage({ viewport: { width: size, height: size } });
    await tab.setContent(page(size, maskable));
    await tab.screenshot({ path: join(clientDir, 'icons', name), omitBackground: !maskable });
    await tab.close();
    process.stdout.write(`${name}\n`);
  }
} finally {
  await browser.close();
}
