// The ranking's rows (components/ranking.py): names set as text, a click sends the region's code.
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let list = parentElement.querySelector("ol");
  if (!list) {
    list = document.createElement("ol");
    parentElement.appendChild(list);
  }
  list.style.maxHeight = data.height + "px";
  list.setAttribute("aria-label", data.label);
  const cell = (cls, text) => {
    const el = document.createElement("span");
    el.className = cls;
    el.textContent = text;
    return el;
  };
  list.replaceChildren(...data.rows.map((r) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.code = r.code;
    const units = r.units.toLocaleString("en-US");
    button.title = `${r.label}
${data.metric}：${r.value}
${data.units}：${units}`;
    const track = cell("track", "");
    const fill = cell(r.nodata ? "fill nodata" : "fill", "");
    fill.style.width = r.pct + "%";
    track.appendChild(fill);
    button.append(cell("rank", r.rank), cell("name", r.label), track, cell("value", r.value));
    button.addEventListener("click", () => setTriggerValue("picked", r.code));
    item.appendChild(button);
    return item;
  }));
}
