// The big screen's window size (components/screen.py): sent on load and on every resize.
export default function ({ setStateValue }) {
  const send = () => setStateValue("size", [window.innerWidth, window.innerHeight]);
  send();
  window.addEventListener("resize", send);
  return () => window.removeEventListener("resize", send);
}
