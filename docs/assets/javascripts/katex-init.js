// Render the math that pymdownx.arithmatex marked, with the KaTeX the site serves itself.
function renderMath() {
  for (const element of document.querySelectorAll(".arithmatex")) {
    const tex = element.textContent.replace(/^\\\(|\\\)$|^\\\[|\\\]$/g, "");
    const display = element.tagName === "DIV";
    katex.render(tex, element, { displayMode: display, throwOnError: false });
  }
}
if (typeof document$ !== "undefined") {
  document$.subscribe(renderMath);  // Material's instant navigation
} else {
  document.addEventListener("DOMContentLoaded", renderMath);
}
