// Light and dark: the system's choice until the toggle picks one, remembered on this device.
const KEY = "vajra.theme";
const media = matchMedia("(prefers-color-scheme: dark)");

function stored() {
  try {
    const t = localStorage.getItem(KEY);
    return t === "light" || t === "dark" ? t : "";
  } catch {
    return "";
  }
}

export const currentTheme = () => document.documentElement.dataset.theme || (media.matches ? "dark" : "light");

function label(button) {
  const next = currentTheme() === "dark" ? "light" : "dark";
  button.setAttribute("aria-label", `Switch to ${next} theme`);
  button.dataset.current = currentTheme();
}

export function initTheme(button) {
  const t = stored();
  if (t) document.documentElement.dataset.theme = t;
  label(button);
  media.addEventListener("change", () => label(button));
  button.addEventListener("click", () => toggleTheme(button));
}

export function toggleTheme(button) {
  const next = currentTheme() === "dark" ? "light" : "dark";
  document.documentElement.dataset.theme = next;
  try {
    localStorage.setItem(KEY, next);
  } catch {
    // no storage: the choice lasts for this page
  }
  label(button);
}
