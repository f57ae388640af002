// Reads an EAN-13 back from the bars of an SVG drawn as bwip-js draws them (one stroked
// vertical line per bar: `M x y L x 0` with `stroke-width` = the bar's width), the way a
// scanner would: bar and space widths in modules, then the GS1 digit patterns and check digit.

const L = ['0001101', '0011001', '0010011', '0111101', '0100011', '0110001', '0101111', '0111011', '0110111', '0001011'];
const R = L.map((p) => [...p].map((b) => (b === '0' ? '1' : '0')).join(''));
const G = R.map((p) => [...p].reverse().join(''));
const FIRST = ['LLLLLL', 'LLGLGG', 'LLGGLG', 'LLGGGL', 'LGLLGG', 'LGGLLG', 'LGGGLL', 'LGLGLG', 'LGLGGL', 'LGGLGL'];

/** The 95 modules (1 = bar) between the first bar's left edge and the last bar's right edge. */
export function modulesOf(svg: string): string {
  const bars: Array<{ left: number; width: number }> = [];
  for (const path of svg.matchAll(/<path[^>]*stroke-width="([\d.]+)"[^>]*d="([^"]+)"/g)) {
    const width = Number(path[1]);
    for (const m of path[2]!.matchAll(/M([\d.]+) [\d.]+L[\d.]+ [\d.]+/g)) bars.push({ left: Number(m[1]) - width / 2, width });
  }
  if (!bars.length) throw new Error('no bars in the SVG');
  bars.sort((a, b) => a.left - b.left);
  const unit = Math.min(...bars.map((b) => b.width));
  const start = bars[0]!.left;
  const last = bars[bars.length - 1]!;
  const modules = Array.from({ length: Math.round((last.left + last.width - start) / unit) }, () => '0');
  for (const b of bars) for (let i = 0; i < Math.round(b.width / unit); i++) modules[Math.round((b.left - start) / unit) + i] = '1';
  return modules.join('');
}

/** The 13 digits the bars encode; throws when they are not a valid EAN-13. */
export function decodeEan13(svg: string): string {
  const m = modulesOf(svg);
  if (m.length !== 95 || !m.startsWith('101') || m.slice(45, 50) !== '01010' || !m.endsWith('101'))
    throw new Error(`not EAN-13 guard bars: ${m}`);
  let parity = '';
  let digits = '';
  for (let i = 0; i < 6; i++) {
    const p = m.slice(3 + i * 7, 10 + i * 7);
    const l = L.indexOf(p);
    const g = G.indexOf(p);
    if (l < 0 && g < 0) throw new Error(`left digit ${i + 1} unreadable: ${p}`);
    parity += l >= 0 ? 'L' : 'G';
    digits += String(l >= 0 ? l : g);
  }
  for (let i = 0; i < 6; i++) {
    const d = R.indexOf(m.slice(50 + i * 7, 57 + i * 7));
    if (d < 0) throw new Error(`right digit ${i + 1} unreadable`);
    digits += String(d);
  }
  const first = FIRST.indexOf(parity);
  if (first < 0) throw new Error(`parity ${parity} names no first digit`);
  const code = String(first) + digits;
  const sum = [...code.slice(0, 12)].reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  if ((10 - (sum % 10)) % 10 !== Number(code[12])) throw new Error(`check digit of ${code} is wrong`);
  return code;
}
