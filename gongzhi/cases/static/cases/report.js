/* 随手拍: the report page's enhancements. Without this script the form still works: the photo
 * inputs and the latitude/longitude fields are plain inputs.
 *
 * - position: the phone's GPS (navigator.geolocation gives WGS-84) or a tap on the map moves the pin
 *   and fills the lat/lng inputs; the grids the person may see are drawn, tiles only when configured;
 * - photos: taken or chosen in several goes, previewed, large ones shrunk before sending (a slow
 *   connection sends a few hundred kB instead of several MB; the server re-encodes them anyway);
 * - category: suggested from the words typed, by the categories' keywords;
 * - sending: the button disables itself and waits for photos still being prepared.
 */
(function () {
  "use strict";

  var form = document.getElementById("report-form");
  if (!form) { return; }
  var button = document.getElementById("report-submit");

  // ------------------------------------------------------------------ position and map
  var latInput = form.querySelector("input[name=lat]");
  var lngInput = form.querySelector("input[name=lng]");
  var mapEl = document.getElementById("report-map");
  var statusEl = document.getElementById("position-status");
  var fields = document.getElementById("position-fields");
  var toggle = document.getElementById("show-coordinates");
  var map = null;
  var pin = null;
  var STYLE = { color: "#c8161d", weight: 2, opacity: 0.8, fillColor: "#e53935", fillOpacity: 0.08, interactive: false };

  function label(name) { return (mapEl && mapEl.dataset[name]) || ""; }
  function say(text) { if (statusEl) { statusEl.textContent = text; } }
  function hasPosition() { return latInput.value !== "" && lngInput.value !== ""; }

  function openFields(open) {
    fields.classList.toggle("gz-open", open);
    if (toggle) { toggle.setAttribute("aria-expanded", open ? "true" : "false"); }
  }

  function showPin(lat, lng) {
    if (!map) { return; }
    if (!pin) {
      var icon = L.divIcon({ className: "gz-pin", html: '<i class="bi bi-geo-alt-fill"></i>',
                             iconSize: [32, 32], iconAnchor: [16, 32] });
      pin = L.marker([lat, lng], { icon: icon, draggable: true, keyboard: false }).addTo(map);
      pin.on("dragend", function () {
        var p = pin.getLatLng();
        place(p.lat, p.lng);
        say(label("labelTapped"));
      });
    } else {
      pin.setLatLng([lat, lng]);
    }
  }

  function place(lat, lng) {
    latInput.value = Number(lat).toFixed(6);
    lngInput.value = Number(lng).toFixed(6);
    showPin(lat, lng);
    form.dataset.positioned = "true";
  }

  function locate() {
    if (!navigator.geolocation) { say(label("labelDenied")); return; }
    say(label("labelLocating"));
    navigator.geolocation.getCurrentPosition(function (pos) {
      place(pos.coords.latitude, pos.coords.longitude);
      if (map) { map.setView([pos.coords.latitude, pos.coords.longitude], Math.max(map.getZoom(), 16)); }
      say(label("labelLocated").replace("%s", String(Math.round(pos.coords.accuracy || 0))));
    }, function () {
      say(label("labelDenied"));
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  function loadGrids() {
    var urls = (mapEl.dataset.gridUrls || "").split(" ").filter(Boolean);
    var bounds = null;
    var left = urls.length;
    function done() {
      left -= 1;
      if (left > 0) { return; }
      if (!hasPosition() && bounds && bounds.isValid()) { map.fitBounds(bounds, { padding: [12, 12] }); }
      mapEl.dataset.ready = "true";
    }
    if (!urls.length) { mapEl.dataset.ready = "true"; return; }
    urls.forEach(function (url) {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
        .then(function (data) {
          var layer = L.geoJSON(data, { style: function () { return STYLE; } }).addTo(map);
          if (layer.getLayers().length) {
            bounds = bounds ? bounds.extend(layer.getBounds()) : layer.getBounds();
          }
        })
        .catch(function () { /* the pin and the coordinates still work without the grids */ })
        .then(done);
    });
  }

  function initMap() {
    if (!mapEl) { return; }
    if (typeof L === "undefined") {
      mapEl.hidden = true;
      say(label("labelFailed"));
      openFields(true);
      return;
    }
    map = L.map(mapEl, { zoomSnap: 0.5, attributionControl: Boolean(mapEl.dataset.tileUrl) });
    if (mapEl.dataset.tileUrl) {
      L.tileLayer(mapEl.dataset.tileUrl, { attribution: mapEl.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    if (hasPosition()) {
      map.setView([Number(latInput.value), Number(lngInput.value)], 17);
      showPin(Number(latInput.value), Number(lngInput.value));
    } else {
      map.setView([40.958, 117.79], 12);
    }
    map.on("click", function (e) {
      place(e.latlng.lat, e.latlng.lng);
      say(label("labelTapped"));
    });
    loadGrids();
    if (!hasPosition()) {
      if (mapEl.dataset.autoLocate === "true") { locate(); } else { say(label("labelTap")); }
    }
  }

  [latInput, lngInput].forEach(function (input) {
    input.addEventListener("change", function () {
      if (hasPosition() && map) {
        showPin(Number(latInput.value), Number(lngInput.value));
        map.setView([Number(latInput.value), Number(lngInput.value)], Math.max(map.getZoom(), 16));
      }
    });
  });
  if (toggle) {
    toggle.addEventListener("click", function () { openFields(!fields.classList.contains("gz-open")); });
  }
  var locateButton = document.getElementById("locate-me");
  if (locateButton) { locateButton.addEventListener("click", locate); }
  initMap();

  // ------------------------------------------------------------------ photos
  var MAX_PHOTOS = Number(form.dataset.maxPhotos || 6);
  var MAX_SIDE = 2048;
  var SHRINK_ABOVE = 1.5 * 1024 * 1024;
  var pickers = Array.prototype.slice.call(form.querySelectorAll(".gz-photo-input"));
  var previews = document.getElementById("photo-previews");
  var chosen = [];  // {file, url, bad}
  var pending = 0;
  var carrier = null;
  var canCollect = (function () {
    try { return typeof DataTransfer === "function" && Boolean(new DataTransfer().items); } catch (e) { return false; }
  })();

  if (canCollect) {
    // One hidden input carries every photo chosen in several goes; the pickers only pick.
    pickers.forEach(function (p) { p.removeAttribute("name"); });
    carrier = document.createElement("input");
    carrier.type = "file";
    carrier.name = "photos";
    carrier.multiple = true;
    carrier.hidden = true;
    form.appendChild(carrier);
  }

  function sync() {
    if (!carrier) { return; }
    var transfer = new DataTransfer();
    chosen.forEach(function (c) { transfer.items.add(c.file); });
    carrier.files = transfer.files;
  }

  function render() {
    previews.textContent = "";
    var note = document.getElementById("photo-message");
    if (note && chosen.length + pending < MAX_PHOTOS) { note.hidden = true; }
    chosen.forEach(function (c, index) {
      var box = document.createElement("div");
      box.className = "gz-preview" + (c.bad ? " gz-bad" : "");
      if (c.url) {
        var img = document.createElement("img");
        img.src = c.url;
        img.alt = c.file.name;
        box.appendChild(img);
      } else {
        box.title = form.dataset.labelNotImage || "";
        box.innerHTML = '<i class="bi bi-file-earmark-x fs-3 d-block text-center pt-3 text-danger" aria-hidden="true"></i>';
      }
      var name = document.createElement("span");
      name.className = "gz-preview-name";
      name.textContent = c.file.name;
      box.appendChild(name);
      if (carrier) {
        var remove = document.createElement("button");
        remove.type = "button";
        remove.setAttribute("aria-label", (form.dataset.labelRemove || "") + " " + c.file.name);
        remove.innerHTML = '<i class="bi bi-x" aria-hidden="true"></i>';
        remove.addEventListener("click", function () {
          var gone = chosen.splice(index, 1)[0];
          if (gone && gone.url) { URL.revokeObjectURL(gone.url); }
          sync();
          render();
        });
        box.appendChild(remove);
      }
      previews.appendChild(box);
    });
    if (pending > 0) {
      var wait = document.createElement("span");
      wait.className = "small text-body-secondary align-self-center";
      wait.textContent = form.dataset.labelPreparing || "";
      previews.appendChild(wait);
    }
  }

  function prepare(file) {
    return new Promise(function (resolve) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        var side = Math.max(img.naturalWidth, img.naturalHeight);
        if (file.size <= SHRINK_ABOVE && side <= MAX_SIDE) { resolve({ file: file, url: url, bad: false }); return; }
        var scale = Math.min(1, MAX_SIDE / side);
        var canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
        canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { resolve({ file: file, url: url, bad: false }); return; }
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve({ file: new File([blob], name, { type: "image/jpeg" }), url: url, bad: false });
        }, "image/jpeg", 0.85);
      };
      img.onerror = function () {
        URL.revokeObjectURL(url);
        // Sent as it is: the server says what is wrong with it.
        resolve({ file: file, url: "", bad: true });
      };
      img.src = url;
    });
  }

  function add(files) {
    files.forEach(function (file) {
      if (chosen.length + pending >= MAX_PHOTOS) {
        var note = document.getElementById("photo-message");
        if (note) { note.textContent = form.dataset.labelTooMany || ""; note.hidden = false; }
        return;
      }
      pending += 1;
      prepare(file).then(function (ready) {
        chosen.push(ready);
        pending -= 1;
        sync();
        render();
        if (pending === 0 && form.dataset.submitWhenReady === "true") {
          delete form.dataset.submitWhenReady;
          send();
        }
      });
    });
    render();
  }

  pickers.forEach(function (picker) {
    picker.addEventListener("change", function () {
      var files = Array.prototype.slice.call(picker.files || []);
      if (canCollect) {
        add(files);
        picker.value = "";
      } else {
        // Without DataTransfer each picker sends its own files: preview what they hold.
        chosen = [];
        pickers.forEach(function (p) {
          Array.prototype.slice.call(p.files || []).forEach(function (f) { chosen.push({ file: f, url: URL.createObjectURL(f), bad: false }); });
        });
        render();
      }
    });
  });

  // ------------------------------------------------------------------ category suggestion
  var hintsEl = document.getElementById("category-hints");
  var hints = hintsEl ? JSON.parse(hintsEl.textContent) : [];
  var select = form.querySelector("select[name=category]");
  var words = form.querySelector("textarea[name=description]");
  var box = document.getElementById("category-suggestion");
  var byHand = select && select.value !== "";

  function best(text) {
    var top = null;
    var score = 0;
    hints.forEach(function (h) {
      var s = 0;
      [h.name].concat(h.keywords).forEach(function (w) { if (w && text.indexOf(w) >= 0) { s += w.length; } });
      if (s > score) { score = s; top = h; }
    });
    return top;
  }

  function suggest() {
    if (!select || !words || !box) { return; }
    var hint = best(words.value);
    if (!hint) { box.hidden = true; return; }
    if (!byHand) { select.value = String(hint.id); }
    box.textContent = "";
    box.hidden = false;
    var text = document.createElement("span");
    text.textContent = (box.dataset.label || "") + " ";
    var name = document.createElement("strong");
    name.textContent = hint.name;
    text.appendChild(name);
    box.appendChild(text);
    box.dataset.categoryId = String(hint.id);
    if (select.value !== String(hint.id)) {
      var use = document.createElement("button");
      use.type = "button";
      use.className = "btn btn-sm btn-link py-0";
      use.textContent = box.dataset.labelUse || "";
      use.addEventListener("click", function () { select.value = String(hint.id); byHand = true; suggest(); });
      box.appendChild(use);
    } else {
      var tick = document.createElement("i");
      tick.className = "bi bi-check2 ms-1 text-success";
      tick.setAttribute("aria-hidden", "true");
      box.appendChild(tick);
    }
  }

  var timer = null;
  if (words) {
    words.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, 200);
    });
  }
  if (select) {
    select.addEventListener("change", function () { byHand = select.value !== ""; suggest(); });
  }
  suggest();

  // ------------------------------------------------------------------ sending
  var sending = false;

  function busy(on) {
    sending = on;
    button.disabled = on;
    button.classList.toggle("gz-sending", on);
    button.setAttribute("aria-busy", on ? "true" : "false");
  }

  function send() {
    if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { busy(true); form.submit(); }
  }

  form.addEventListener("submit", function (event) {
    if (sending) { event.preventDefault(); return; }
    if (pending > 0) {
      event.preventDefault();
      form.dataset.submitWhenReady = "true";
      busy(true);
      sending = false;  // the real submit follows when the photos are ready
      return;
    }
    busy(true);
  });
  // Coming back to the page (the back button) must not leave the button disabled.
  window.addEventListener("pageshow", function () { busy(false); });
})();
