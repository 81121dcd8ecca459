// Material's search overlay is a dialog without a name; screen readers announce it as "Search".
document.querySelector(".md-search[role=dialog]")?.setAttribute("aria-label", "Search");
