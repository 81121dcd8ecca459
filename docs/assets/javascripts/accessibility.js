// Material's search overlay is a dialog without a name; screen readers announce it as "Search".
document.querySelector(".md-search[role=dialog]")?.setAttribute("aria-label", "Search");

// Figures: select one (click, tap, or Enter on the focused figure) to see it full size in a
// dialog, where a phone can pan and zoom it; a click or Escape closes it.
const lightbox = document.createElement("dialog");
lightbox.className = "docexec-lightbox";
lightbox.setAttribute("aria-label", "Enlarged figure");
lightbox.addEventListener("click", () => lightbox.close());
document.body.append(lightbox);

function enlarge(frame) {
  const shown = [...frame.querySelectorAll("img")].find((img) => img.offsetParent !== null);
  if (!shown) return;
  const copy = shown.cloneNode();
  copy.loading = "eager";
  copy.style.minWidth = `${shown.getAttribute("width")}px`; // at least its natural size
  lightbox.replaceChildren(copy);
  lightbox.showModal();
}
document.addEventListener("click", (event) => {
  const frame = event.target.closest?.(".docexec-figure-frame");
  if (frame) enlarge(frame);
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.matches?.(".docexec-figure-frame")) {
    enlarge(event.target);
  }
});

// Content wider than its column (on a phone: a figure, a table, an equation) scrolls sideways:
// a figure says so, and every such region can be reached and scrolled with the keyboard.
const SCROLLERS = {
  ".docexec-figure-frame": null,
  ".md-typeset__scrollwrap": "Table (scrolls sideways)",
  ".arithmatex": "Equation (scrolls sideways)",
};
function markScrollingRegions() {
  for (const [selector, name] of Object.entries(SCROLLERS)) {
    for (const region of document.querySelectorAll(selector)) {
      const scrolls = region.scrollWidth > region.clientWidth + 1;
      if (name === null) {
        region.parentElement.classList.toggle("docexec-scrolls", scrolls);
      } else if (scrolls && !region.hasAttribute("tabindex")) {
        region.setAttribute("tabindex", "0");
        region.setAttribute("role", "region");
        region.setAttribute("aria-label", name);
      } else if (!scrolls && region.getAttribute("role") === "region") {
        for (const attribute of ["tabindex", "role", "aria-label"]) region.removeAttribute(attribute);
      }
    }
  }
}
markScrollingRegions();
window.addEventListener("resize", markScrollingRegions);
window.addEventListener("load", markScrollingRegions);
