// 导出 PDF (components/print_page.py): the button's script, run in the page itself.
const KEPT = '[data-testid="stPlotlyChart"], [data-testid="stDeckGlJsonChart"], [data-testid="stDataFrame"],'
  + ' [data-testid="stTable"], [data-testid="stVegaLiteChart"], [data-testid="stImage"]';

const ONE_SHEET = 1.35;  // up to this many sheets' worth of page is shrunk onto one
const PHONE = 640;  // px: Streamlit stacks columns below this width
const WIDEST = 1750;  // px: a wider main column is narrowed before the button prints (text ≥ 0.6 size)

function printable() {  // the printable area of print.css, in CSS pixels
  const probe = document.createElement("div");
  probe.style.cssText = "position:absolute;left:-9999px;top:0;visibility:hidden;"
    + "width:var(--xt-print-width,277mm);height:var(--xt-print-height,190mm)";
  document.body.appendChild(probe);
  const size = [probe.offsetWidth, probe.offsetHeight];
  probe.remove();
  return size;
}

function install() {
  const state = { changed: [] };
  window.__xingtuPrint = state;

  const getContext = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (type, attributes) {
    if (type === "webgl" || type === "webgl2" || type === "experimental-webgl") {
      attributes = { ...(attributes || {}), preserveDrawingBuffer: true };
    }
    return getContext.call(this, type, attributes);
  };

  const set = (el, name, value) => {
    state.changed.push([el, name, el.style.getPropertyValue(name), el.style.getPropertyPriority(name)]);
    el.style.setProperty(name, value, "important");
  };

  state.prepare = () => {
    state.restore();
    const block = document.querySelector('[data-testid="stMainBlockContainer"]');
    if (!block || !document.querySelector(".xt-print")) return;  // not on this page (the big screen)
    const [width, height] = printable();
    const style = getComputedStyle(block);
    const inner = block.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    let zoom = inner > width ? width / inner : 1;
    // a page a little longer than the paper is shrunk onto one sheet rather than spilling over
    const long = (block.offsetHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)) * zoom;
    if (long > height && long < height * ONE_SHEET) zoom *= height / long;
    // measured on screen, before any change: the height each one will have on paper
    const tall = [...block.querySelectorAll(KEPT)]
      .map((el) => [el.closest('[data-testid="stElementContainer"]') || el, el.offsetHeight * zoom])
      .filter(([, h]) => h > height);
    // Streamlit's own print style stacks columns holding a chart, but the charts keep their screen
    // width: keep the screen's rows of columns instead, so that the paper shows the screen, scaled.
    // A phone's column is narrower than Streamlit's breakpoint and its columns are stacked: there
    // the paper, wider than the phone, lays them out again (the charts fit: they are narrower).
    const rowsOf = inner < PHONE ? [] : block.querySelectorAll('[data-testid="stHorizontalBlock"]');
    const rows = [...rowsOf].map((row) => {
      const style = getComputedStyle(row);
      const cols = [...row.querySelectorAll(':scope > [data-testid="stColumn"]')].map((col) => {
        const cs = getComputedStyle(col);
        return { col, width: cs.width, display: cs.display, margin: cs.marginBottom };
      });
      return { row, display: style.display, wrap: style.flexWrap, cols };
    });
    for (const { row, display, wrap, cols } of rows) {
      set(row, "display", display);
      set(row, "flex-wrap", wrap);
      for (const { col, width: w, display: d, margin } of cols) {
        set(col, "display", d);
        set(col, "margin-bottom", margin);
        set(col, "width", w);
        set(col, "flex", `0 0 ${w}`);
        set(col, "min-width", "0");
      }
    }
    state.zoom = zoom;
    if (zoom < 1) {
      set(block, "width", `${inner}px`);
      set(block, "zoom", String(zoom));
      set(block, "margin", "0 auto");
    }
    for (const [box, h] of tall) set(box, "zoom", String(Math.floor((height / h) * 1000) / 1000));
  };

  state.restore = () => {
    for (const [el, name, value, priority] of state.changed.reverse()) {
      if (value) el.style.setProperty(name, value, priority);
      else el.style.removeProperty(name);
    }
    state.changed = [];
    state.zoom = null;
  };

  window.addEventListener("beforeprint", () => state.prepare());
  window.addEventListener("afterprint", () => state.restore());
}

export default function ({ parentElement, data }) {
  if (!window.__xingtuPrint) install();
  const button = parentElement.querySelector(".xt-print");
  if (!button) return;
  button.querySelector("span").textContent = data.label;
  button.title = data.help;
  button.setAttribute("aria-label", data.label);
  button.onclick = () => printNarrowed();
}

// The button, unlike Ctrl+P, can wait: on a very wide window it first narrows the main column and
// lets the charts redraw at that width, so that the paper's scale keeps text readable.
async function printNarrowed() {
  const block = document.querySelector('[data-testid="stMainBlockContainer"]');
  const style = block && getComputedStyle(block);
  const pad = block ? parseFloat(style.paddingLeft) + parseFloat(style.paddingRight) : 0;
  const wide = block && block.clientWidth - pad > WIDEST;
  if (wide) {
    block.style.setProperty("max-width", `${WIDEST + pad}px`, "important");
    const fits = () => [...block.querySelectorAll(".main-svg, canvas")]
      .every((el) => el.getBoundingClientRect().width <= WIDEST + 1);
    for (let i = 0; i < 40 && !fits(); i += 1) await new Promise((done) => setTimeout(done, 50));
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  }
  try {
    window.print();
  } finally {
    if (wide) block.style.removeProperty("max-width");
  }
}
