// /bron/{doc_id}?line_start=&line_end=: the source view on its own page.
import { initPage } from "./page.js";
import { showPassage, targetOf } from "./source_view.js";

initPage();
const page = document.querySelector(".source-page");
const view = document.getElementById("source-view");
const show = () => showPassage(view, targetOf(page), { level: 2 });
document.addEventListener("pa:auth", show);
show();
