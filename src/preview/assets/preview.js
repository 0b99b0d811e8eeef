// The preview's only script: keeps the page in step with the server, which says when a report
// changed (server-sent events). Only changed pages are fetched again: a page's address is its
// content hash.
"use strict";

function reportPage(body) {
  const slug = body.dataset.slug;
  let version = Number(body.dataset.version);
  let busy = false;
  let again = false;

  function applyPages(pages) {
    const box = document.getElementById("pages");
    const images = Array.from(box.querySelectorAll("img"));
    pages.forEach((hash, i) => {
      let img = images[i];
      if (!img) {
        img = document.createElement("img");
        img.width = 595;
        img.height = 842;
        box.appendChild(img);
      }
      if (img.dataset.hash !== hash) {
        img.src = "/page/" + hash + ".svg";
        img.dataset.hash = hash;
      }
      img.alt = "Page " + (i + 1) + " of " + pages.length;
    });
    images.slice(pages.length).forEach((img) => img.remove());
  }

  async function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      const response = await fetch("/api/report/" + slug, { cache: "no-store" });
      if (response.ok) {
        const s = await response.json();
        if (s.version >= version) {
          version = s.version;
          body.dataset.version = String(version);
          applyPages(s.pages);
          document.getElementById("panel").innerHTML = s.panel;
          document.getElementById("problems").innerHTML = s.problems;
          document.getElementById("status").textContent = s.status;
        }
      }
    } catch (e) {
      document.getElementById("status").textContent = "The preview server is not answering (" + e + ").";
    } finally {
      busy = false;
      if (again) {
        again = false;
        refresh();
      }
    }
  }

  const events = new EventSource("/events/" + slug);
  events.onmessage = () => refresh();
}

function indexPage() {
  let timer = null;
  async function reload() {
    timer = null;
    const response = await fetch("/", { cache: "no-store" });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("live");
    if (fresh) document.getElementById("live").replaceWith(fresh);
  }
  const events = new EventSource("/events");
  // At most twice a second, however fast the reports are made.
  events.onmessage = () => {
    if (!timer) timer = setTimeout(reload, 500);
  };
}

const body = document.body;
if (body.dataset.page === "report") reportPage(body);
else if (body.dataset.page === "index") indexPage();
