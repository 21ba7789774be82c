// summitwatch Mini App. Every text from the bot's sources or users is set with
// textContent or as an attribute value; nothing is ever parsed as HTML.
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const WORLD = 256; // Web Mercator world width in map units (tile zoom 0)
  const state = {
    init: "", strings: {}, locale: "en", fleet: [], byHex: new Map(), selected: null,
    asOf: null, tileUrl: null, view: null, updates: 0, live: false, basemap: null,
  };

  // ------------------------------------------------------------- Telegram

  function initData() {
    const tg = window.Telegram && window.Telegram.WebApp;
    if (tg && tg.initData) return tg.initData;
    const hash = new URLSearchParams(window.location.hash.slice(1));
    return hash.get("tgWebAppData") || "";
  }

  function themeFromTelegram() {
    const hash = new URLSearchParams(window.location.hash.slice(1));
    let theme = {};
    try { theme = JSON.parse(hash.get("tgWebAppThemeParams") || "{}"); } catch (e) { theme = {}; }
    const names = { bg_color: "--bg", text_color: "--text", hint_color: "--hint",
      link_color: "--link", button_color: "--accent", secondary_bg_color: "--panel" };
    for (const [key, variable] of Object.entries(names)) {
      if (typeof theme[key] === "string" && /^#[0-9a-fA-F]{3,8}$/.test(theme[key])) {
        document.documentElement.style.setProperty(variable, theme[key]);
      }
    }
  }

  function tellTelegramReady() {
    const payload = JSON.stringify({ eventType: "web_app_ready", eventData: "" });
    if (window.TelegramWebviewProxy) {
      window.TelegramWebviewProxy.postEvent("web_app_ready", "");
    } else if (window.external && "notify" in window.external) {
      window.external.notify(payload);
    } else if (window.parent !== window) {
      window.parent.postMessage(payload, "*");
    }
  }

  // ------------------------------------------------------------- helpers

  function t(key, params) {
    let text = state.strings[key] || key;
    for (const [name, value] of Object.entries(params || {})) {
      text = text.split("{" + name + "}").join(String(value));
    }
    return text;
  }

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    return node;
  }

  function safeUrl(url) {
    try {
      const parsed = new URL(url);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch (e) { return null; }
  }

  function when(iso) {
    if (!iso) return "";
    const moment = new Date(iso);
    const utc = new Intl.DateTimeFormat(state.locale, {
      dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(moment);
    return utc + " UTC";
  }

  async function api(path) {
    const response = await fetch(path, { headers: { Authorization: "tma " + state.init } });
    if (!response.ok) {
      const error = new Error("HTTP " + response.status);
      error.status = response.status;
      try { error.body = await response.json(); } catch (e) { error.body = {}; }
      throw error;
    }
    return response.json();
  }

  function showMessage(text) {
    const box = document.getElementById("message");
    box.textContent = text;
    box.hidden = false;
    document.querySelectorAll(".view").forEach((v) => v.classList.remove("active"));
  }

  // ------------------------------------------------------------- projection

  function project(lon, lat) {
    const clamped = Math.max(-85, Math.min(85, lat));
    const s = Math.sin((clamped * Math.PI) / 180);
    return [((lon + 180) / 360) * WORLD,
      (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * WORLD];
  }

  function altitudeColour(feet, onGround) {
    if (onGround || feet === null || feet === undefined) return "hsl(120, 60%, 35%)";
    // Green near the ground, through yellow and red, to magenta at FL450.
    const share = Math.max(0, Math.min(1, feet / 45000));
    return "hsl(" + Math.round((120 - share * 180 + 360) % 360) + ", 80%, 45%)";
  }

  // ------------------------------------------------------------- map

  const map = {
    root: null, base: null, tiles: null, tracks: null, markers: null,

    build() {
      this.root = document.getElementById("map");
      const canvas = this.root;
      const wrap = document.getElementById("map-wrap");
      const svgRoot = svg("svg", { id: "map", viewBox: "0 0 256 256",
        preserveAspectRatio: "xMidYMid meet", role: "img" });
      wrap.replaceChild(svgRoot, canvas);
      this.root = svgRoot;
      this.tiles = svg("g", { id: "tiles" });
      this.base = svg("g", { id: "basemap" });
      this.tracks = svg("g", { id: "tracks" });
      this.markers = svg("g", { id: "markers" });
      for (const layer of [this.tiles, this.base, this.tracks, this.markers]) svgRoot.appendChild(layer);
      this.interact();
    },

    drawBase(basemap) {
      const parts = [["land", "land"], ["lakes", "lake"], ["borders", "border"]];
      for (const [key, cls] of parts) {
        let d = "";
        for (const line of basemap[key] || []) {
          for (let i = 0; i < line.length; i += 2) {
            const [x, y] = project(line[i], line[i + 1]);
            d += (i === 0 ? "M" : "L") + x.toFixed(2) + " " + y.toFixed(2);
          }
          if (key !== "borders") d += "Z";
        }
        this.base.appendChild(svg("path", { d: d, class: cls }));
      }
      document.getElementById("attribution").textContent = t("map_data");
    },

    fit(items) {
      const points = items.filter((a) => a.position).map((a) => project(a.position.lon, a.position.lat));
      if (!points.length) { this.setView([0, 40, WORLD, WORLD * 0.6]); return; }
      let [minX, minY] = points[0]; let [maxX, maxY] = points[0];
      for (const [x, y] of points) {
        minX = Math.min(minX, x); maxX = Math.max(maxX, x);
        minY = Math.min(minY, y); maxY = Math.max(maxY, y);
      }
      // At least a region's width (about 20° of longitude): a lone jet with its coasts.
      const pad = Math.max(maxX - minX, maxY - minY, 14) * 0.25;
      this.setView([minX - pad, minY - pad, maxX - minX + 2 * pad, maxY - minY + 2 * pad]);
    },

    setView(box) {
      state.view = box;
      this.root.setAttribute("viewBox", box.map((v) => v.toFixed(3)).join(" "));
      this.rescale();
      this.drawTiles();
    },

    unitsPerPixel() {
      const rect = this.root.getBoundingClientRect();
      const [, , w, h] = state.view;
      return Math.max(w / Math.max(rect.width, 1), h / Math.max(rect.height, 1));
    },

    rescale() {
      // Markers keep their size on screen whatever the zoom.
      const k = this.unitsPerPixel();
      for (const marker of this.markers.children) {
        const [x, y] = [marker.dataset.x, marker.dataset.y];
        marker.setAttribute("transform", "translate(" + x + " " + y + ") scale(" + k + ")");
      }
    },

    drawTiles() {
      while (this.tiles.firstChild) this.tiles.removeChild(this.tiles.firstChild);
      if (!state.tileUrl) return;
      const [x0, y0, w, h] = state.view;
      const zoom = Math.max(0, Math.min(18, Math.round(Math.log2(WORLD / (this.unitsPerPixel() * 256)))));
      const size = WORLD / 2 ** zoom;
      const last = 2 ** zoom - 1;
      for (let ty = Math.max(0, Math.floor(y0 / size)); ty <= Math.min(last, Math.floor((y0 + h) / size)); ty++) {
        for (let tx = Math.floor(x0 / size); tx <= Math.floor((x0 + w) / size); tx++) {
          const wrapped = ((tx % (last + 1)) + last + 1) % (last + 1);
          const href = state.tileUrl.replace("{z}", zoom).replace("{x}", wrapped).replace("{y}", ty);
          this.tiles.appendChild(svg("image", { href: href, x: tx * size, y: ty * size,
            width: size, height: size }));
        }
      }
      this.base.setAttribute("visibility", "hidden");
    },

    interact() {
      let drag = null;
      this.root.addEventListener("pointerdown", (event) => {
        drag = { x: event.clientX, y: event.clientY, view: state.view.slice() };
      });
      window.addEventListener("pointerup", () => { drag = null; });
      this.root.addEventListener("pointermove", (event) => {
        if (!drag) return;
        const k = this.unitsPerPixel();
        const [x, y, w, h] = drag.view;
        this.setView([x - (event.clientX - drag.x) * k, y - (event.clientY - drag.y) * k, w, h]);
      });
      this.root.addEventListener("wheel", (event) => {
        event.preventDefault();
        const factor = event.deltaY > 0 ? 1.25 : 0.8;
        const [x, y, w, h] = state.view;
        this.setView([x + (w * (1 - factor)) / 2, y + (h * (1 - factor)) / 2, w * factor, h * factor]);
      }, { passive: false });
    },

    marker(aircraft) {
      const pos = aircraft.position;
      const [x, y] = project(pos.lon, pos.lat);
      const group = svg("g", { class: "marker " + aircraft.state, "data-hex": aircraft.hex });
      group.dataset.x = x.toFixed(3);
      group.dataset.y = y.toFixed(3);
      let glyph;
      if (aircraft.state === "airborne") {
        glyph = svg("path", { d: "M0 -8 L5 6 L0 3 L-5 6 Z", class: "glyph",
          transform: "rotate(" + (pos.heading || 0) + ")" });
      } else {
        glyph = svg("circle", { r: 4.5, class: "glyph" });
      }
      const label = svg("text", { x: 8, y: 4 });
      label.textContent = (pos.callsign || aircraft.registration || aircraft.hex) +
        (aircraft.state === "airborne" && pos.alt_ft ? " " + t("altitude", { feet: pos.alt_ft }) : "");
      const title = svg("title");
      title.textContent = describe(aircraft);
      group.append(glyph, label, title);
      group.addEventListener("click", (event) => { event.stopPropagation(); select(aircraft.hex); });
      if (state.selected === aircraft.hex) group.classList.add("selected");
      return group;
    },

    drawMarkers() {
      while (this.markers.firstChild) this.markers.removeChild(this.markers.firstChild);
      const shown = visible();
      for (const aircraft of shown) {
        if (aircraft.position) this.markers.appendChild(this.marker(aircraft));
      }
      this.rescale();
      document.getElementById("shown").textContent = t("shown", {
        shown: shown.length, total: state.fleet.length });
    },

    drawTrack(track) {
      while (this.tracks.firstChild) this.tracks.removeChild(this.tracks.firstChild);
      for (let i = 1; i < track.length; i++) {
        const [lat0, lon0] = track[i - 1];
        const [lat1, lon1, alt1, ground1] = track[i];
        const [x0, y0] = project(lon0, lat0);
        const [x1, y1] = project(lon1, lat1);
        this.tracks.appendChild(svg("line", { x1: x0, y1: y0, x2: x1, y2: y1, class: "track",
          stroke: altitudeColour(alt1, ground1) }));
      }
    },
  };

  function describe(aircraft) {
    const parts = [aircraft.registration || aircraft.hex];
    if (aircraft.type) parts.push(aircraft.type);
    if (aircraft.operator) parts.push(aircraft.operator);
    for (const person of aircraft.people) parts.push(person.name + " (" + t(person.confidence) + ")");
    return parts.join(" · ");
  }

  // ------------------------------------------------------------- filters

  function fillSelect(id, values) {
    const select = document.getElementById(id);
    const current = select.value;
    while (select.firstChild) select.removeChild(select.firstChild);
    const all = el("option", null, t("all"));
    all.value = "";
    select.appendChild(all);
    for (const [value, label] of values) {
      const option = el("option", null, label);
      option.value = value;
      select.appendChild(option);
    }
    select.value = current;
  }

  function fillFilters() {
    const people = new Map();
    const operators = new Set();
    for (const aircraft of state.fleet) {
      for (const person of aircraft.people) people.set(person.person, person.name);
      if (aircraft.operator) operators.add(aircraft.operator);
    }
    fillSelect("filter-person", [...people.entries()].sort((a, b) => a[1].localeCompare(b[1])));
    fillSelect("filter-operator", [...operators].sort().map((o) => [o, o]));
    fillSelect("filter-state", ["airborne", "on_ground", "unknown"].map((s) => [s, t(s)]));
  }

  function visible() {
    const person = document.getElementById("filter-person").value;
    const operator = document.getElementById("filter-operator").value;
    const wanted = document.getElementById("filter-state").value;
    return state.fleet.filter((a) =>
      (!person || a.people.some((p) => p.person === person)) &&
      (!operator || a.operator === operator) &&
      (!wanted || a.state === wanted));
  }

  // ------------------------------------------------------------- detail

  async function select(hex) {
    state.selected = hex;
    map.drawMarkers();
    const detail = await api("api/aircraft/" + encodeURIComponent(hex));
    if (state.selected !== hex) return;
    map.drawTrack(detail.track);
    const box = document.getElementById("detail");
    while (box.firstChild) box.removeChild(box.firstChild);
    box.dataset.hex = hex;
    const pos = detail.position;
    box.appendChild(el("h2", null, [detail.registration || detail.hex,
      pos && pos.callsign, detail.type].filter(Boolean).join(" · ")));
    if (detail.operator) box.appendChild(el("div", null, detail.operator));
    box.appendChild(el("div", "state", detail.state_text));
    if (pos) {
      const bits = [];
      if (pos.alt_ft !== null && !pos.on_ground) bits.push(t("altitude", { feet: pos.alt_ft }));
      if (pos.heading !== null) bits.push(t("heading", { degrees: Math.round(pos.heading) }));
      bits.push(t("source", { source: pos.source || "?" }) + ", " + when(pos.ts));
      box.appendChild(el("div", "prov", bits.join(" · ")));
    }
    box.appendChild(legend());
    box.appendChild(el("h3", null, t("people")));
    const people = el("ul", "people");
    for (const person of detail.people) {
      const item = el("li", null, person.name + " — " + t(person.confidence));
      const prov = el("div", "prov");
      const url = safeUrl(person.source_url);
      if (url) {
        const link = el("a", null, person.source);
        link.href = url; link.rel = "noopener noreferrer"; link.target = "_blank";
        prov.appendChild(link);
      } else {
        prov.appendChild(document.createTextNode(person.source));
      }
      prov.appendChild(document.createTextNode(
        (person.as_of ? ", " + person.as_of.slice(0, 10) : "") + (person.note ? " — “" + person.note + "”" : "")));
      item.appendChild(prov);
      people.appendChild(item);
    }
    box.appendChild(people);
    box.appendChild(el("h3", null, t("last_flights")));
    const flights = el("ul", "flights");
    for (const flight of detail.flights) flights.appendChild(el("li", null, flight.text));
    if (!detail.flights.length) flights.appendChild(el("li", null, t("no_flights")));
    box.appendChild(flights);
    box.hidden = false;
  }

  function legend() {
    const row = el("div", "legend");
    row.appendChild(document.createTextNode("0 "));
    for (let feet = 0; feet <= 45000; feet += 5000) {
      const swatch = el("span");
      swatch.style.background = altitudeColour(feet, feet === 0);
      row.appendChild(swatch);
    }
    row.appendChild(document.createTextNode(" " + t("altitude", { feet: "45000" })));
    return row;
  }

  // ------------------------------------------------------------- timeline and venues

  function drawStatements(data) {
    const list = document.getElementById("statements");
    while (list.firstChild) list.removeChild(list.firstChild);
    for (const s of data.statements) {
      const item = el("li", "statement");
      const url = safeUrl(s.url);
      const title = url ? el("a", "title", s.title) : el("span", "title", s.title);
      if (url) { title.href = url; title.rel = "noopener noreferrer"; title.target = "_blank"; }
      item.appendChild(title);
      item.appendChild(el("div", "prov", s.source + " · " + s.when));
      if (s.summary) item.appendChild(el("div", "summary", s.summary));
      list.appendChild(item);
    }
    if (!data.statements.length) list.appendChild(el("li", "empty", t("no_statements")));
  }

  function drawVenues(data) {
    const list = document.getElementById("venues");
    while (list.firstChild) list.removeChild(list.firstChild);
    for (const venue of data.venues) {
      const item = el("li", "venue");
      item.dataset.slug = venue.slug;
      item.appendChild(el("span", "title", venue.name));
      item.appendChild(document.createTextNode(" — " + t("score", {
        score: venue.score.toLocaleString(state.locale) })));
      const reasons = el("ul", "reasons");
      for (const reason of venue.reasons) {
        const sign = reason.points > 0 ? "+" : "";
        reasons.appendChild(el("li", null, sign + reason.points.toLocaleString(state.locale) + " " + reason.text));
      }
      item.appendChild(reasons);
      if (venue.freshest) item.appendChild(el("div", "prov", venue.freshest));
      list.appendChild(item);
    }
  }

  // ------------------------------------------------------------- freshness and live

  function showFreshness() {
    const box = document.getElementById("freshness");
    box.textContent = (state.live ? t("live") + " · " : "") +
      (state.asOf ? t("as_of", { time: when(state.asOf) }) : t("no_data"));
    box.className = state.live ? "live" : "offline";
  }

  function applyUpdate(update) {
    let reload = Boolean(update.missed) || update.events.length > 0;
    for (const position of update.positions) {
      const aircraft = state.byHex.get(position.hex);
      if (!aircraft) { reload = true; continue; }
      aircraft.position = position;
      if (aircraft.state === "unknown" && !position.on_ground) aircraft.state = "airborne";
    }
    if (update.as_of && (!state.asOf || update.as_of > state.asOf)) state.asOf = update.as_of;
    state.updates += 1;
    document.body.dataset.updates = String(state.updates);
    document.body.dataset.lastUpdateBytes = String(JSON.stringify(update).length);
    document.body.dataset.lastUpdateSentAt = update.sent_at;
    document.body.dataset.lastUpdateAt = String(Date.now());
    map.drawMarkers();
    showFreshness();
    if (reload) loadFleet(false);
  }

  async function listen() {
    for (;;) {
      try {
        const response = await fetch("api/live", { headers: { Authorization: "tma " + state.init } });
        if (!response.ok || !response.body) throw new Error("HTTP " + response.status);
        state.live = true; showFreshness();
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
            if (data && block.includes("event: update")) applyUpdate(JSON.parse(data));
          }
        }
      } catch (e) { /* reconnect below */ }
      state.live = false; showFreshness();
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  }

  // ------------------------------------------------------------- start

  async function loadFleet(fit) {
    const fleet = await api("api/fleet");
    state.fleet = fleet.aircraft;
    state.byHex = new Map(fleet.aircraft.map((a) => [a.hex, a]));
    if (fleet.as_of && (!state.asOf || fleet.as_of > state.asOf)) state.asOf = fleet.as_of;
    fillFilters();
    if (fit) map.fit(state.fleet);
    map.drawMarkers();
    showFreshness();
    document.body.dataset.fleet = String(state.fleet.length);
  }

  function words() {
    document.title = t("title");
    document.documentElement.lang = state.locale;
    document.getElementById("tab-map").textContent = t("map");
    document.getElementById("tab-timeline").textContent = t("timeline");
    document.getElementById("tab-venues").textContent = t("venues");
    document.getElementById("label-person").textContent = t("person");
    document.getElementById("label-operator").textContent = t("operator");
    document.getElementById("label-state").textContent = t("state");
  }

  function tabs() {
    for (const button of document.querySelectorAll("#tabs button")) {
      button.addEventListener("click", () => {
        for (const other of document.querySelectorAll("#tabs button")) other.classList.toggle("active", other === button);
        for (const view of document.querySelectorAll(".view")) {
          view.classList.toggle("active", view.id === "view-" + button.dataset.tab);
        }
      });
    }
    for (const id of ["filter-person", "filter-operator", "filter-state"]) {
      document.getElementById(id).addEventListener("change", () => map.drawMarkers());
    }
  }

  async function start() {
    themeFromTelegram();
    tellTelegramReady();
    state.init = initData();
    const started = performance.now();
    try {
      const session = await api("api/session");
      state.strings = session.strings; state.locale = session.locale; state.tileUrl = session.tile_url;
    } catch (error) {
      // Refused: the server words it in the user's language when it knows them.
      showMessage((error.body && error.body.message) || "Open this page from the bot in Telegram.");
      return;
    }
    words();
    tabs();
    map.build();
    const basemap = fetch("basemap.json").then((r) => r.json()).then((b) => map.drawBase(b));
    await Promise.all([loadFleet(true), basemap,
      api("api/statements").then(drawStatements), api("api/venues").then(drawVenues)]);
    document.body.dataset.ready = String(Math.round(performance.now() - started));
    listen();
  }

  document.addEventListener("DOMContentLoaded", start);
})();
