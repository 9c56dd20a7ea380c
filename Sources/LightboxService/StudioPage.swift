/// `GET /studio` (and the shell `/review` shares): pages for people, on the public API only. The key stays in the tab's
/// sessionStorage and goes out as an `Authorization` header, never in a URL or a cookie, so a
/// cross-site form cannot act with it. Every asset is served from here: no CDN, no build step.
enum StudioPage {
    /// A page: the header, the sign-in form, `main` for the signed-in part, and its script.
    static func shell(title: String, main: String, script: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title)</title>
        <link rel="stylesheet" href="/studio/studio.css">
        </head>
        <body>
        <header><h1>\(title)</h1><nav><a href="/studio">Studio</a> <a href="/review">Review</a></nav>
        <button id="sign-out" type="button" hidden>Sign out</button></header>
        <main>
        <section id="sign-in" aria-labelledby="sign-in-title">
          <h2 id="sign-in-title">Sign in</h2>
          <form id="key-form">
            <label for="key">API key</label>
            <input id="key" name="key" type="password" autocomplete="off" required placeholder="lb_…">
            <button type="submit">Sign in</button>
            <p id="key-error" role="alert" class="error"></p>
          </form>
        </section>
        \(main)
        </main>
        <script src="/studio/common.js"></script>
        <script src="\(script)"></script>
        </body>
        </html>
        """
    }

    static let html = shell(title: "Lightbox Studio", main: """
    <section id="studio" class="signed-in" hidden aria-labelledby="studio-title">
      <h2 id="studio-title">New shots</h2>
      <p id="credits" aria-live="polite"></p>
      <form id="shot-form">
        <div id="drop" tabindex="0" aria-describedby="drop-help">
          <label for="photos">Photos</label>
          <input id="photos" name="photos" type="file" accept="image/*" multiple required>
          <p id="drop-help">Drop photos here or pick them; several at once.</p>
        </div>
        <fieldset>
          <legend>Background</legend>
          <label for="preset">Preset</label>
          <select id="preset" name="preset">
            <option value="">white (default)</option>
            <option>white-studio</option><option>gradient-light</option><option>marble</option><option>outdoor</option>
            <option>wood-table</option><option>concrete</option><option>linen</option><option>pastel</option>
          </select>
          <label for="colour">or a colour</label>
          <input id="colour" name="colour" type="text" pattern="#[0-9a-fA-F]{6}" placeholder="#f4efe6">
          <label for="prompt">or a prompt</label>
          <input id="prompt" name="prompt" type="text" maxlength="1000" placeholder="on a marble kitchen counter">
        </fieldset>
        <fieldset>
          <legend>Shot</legend>
          <label for="shadow">Shadow</label>
          <select id="shadow" name="shadow">
            <option value="">the background's</option>
            <option>none</option><option>soft</option><option>hard</option><option>natural</option><option>floating</option>
          </select>
          <label for="size">Size</label>
          <input id="size" name="size" type="text" value="1500x1500" pattern="[0-9]+[xX][0-9]+">
          <label for="margin">Margin (%)</label>
          <input id="margin" name="margin" type="number" min="0" max="45" value="12">
          <label for="formats">Formats</label>
          <input id="formats" name="formats" type="text" value="jpeg,webp">
          <label for="watermark">Watermark</label>
          <input id="watermark" name="watermark" type="text" maxlength="200">
        </fieldset>
        <button id="submit" type="submit">Make shots</button>
        <button id="sheet" type="button">Preset × shadow sheet</button>
        <p id="form-error" role="alert" class="error"></p>
      </form>
      <ol id="results" aria-live="polite"></ol>
    </section>
    <template id="result-template">
      <li class="result">
        <h3 class="name"></h3>
        <p class="status" role="status"></p>
        <div class="compare" hidden>
          <div class="frame"><img class="after" alt="after"><img class="before" alt="before"></div>
          <label>Before / after <input class="slider" type="range" min="0" max="100" value="50"></label>
        </div>
        <img class="sheet-image" alt="The photo over every preset (rows) and shadow (columns)" hidden>
        <p class="downloads"></p>
        <details><summary>Job JSON</summary><pre class="json"></pre></details>
      </li>
    </template>
    """, script: "/studio/studio.js")

    static let css = """
    * { box-sizing: border-box; }
    body { font: 16px/1.4 system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #f6f6f4; }
    header { display: flex; justify-content: space-between; align-items: center; padding: 0.5rem 1rem; background: #fff; border-bottom: 1px solid #ddd; }
    h1 { font-size: 1.3rem; margin: 0; }
    main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
    label { display: block; margin-top: 0.5rem; font-weight: 600; }
    input, select, button { font: inherit; padding: 0.4rem; max-width: 100%; }
    input[type=text], input[type=password], select { width: 100%; }
    button { margin-top: 0.8rem; cursor: pointer; }
    .sheet-image { display: block; max-width: 100%; height: auto; }
    :focus-visible { outline: 3px solid #1a5fd0; outline-offset: 2px; }
    fieldset { margin-top: 1rem; border: 1px solid #ccc; }
    #drop { border: 2px dashed #999; padding: 1rem; background: #fff; }
    #drop.over { border-color: #1a5fd0; background: #eef4ff; }
    .error { color: #a40000; }
    #results { list-style: none; padding: 0; }
    .result { background: #fff; margin-top: 1rem; padding: 1rem; border: 1px solid #ddd; }
    .compare { max-width: 30rem; }
    .frame { position: relative; aspect-ratio: 1; background: #fff; border: 1px solid #ddd; }
    .frame img { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: contain; }
    .before { clip-path: inset(0 50% 0 0); }
    .downloads a { margin-right: 1rem; }
    nav a { margin-right: 1rem; }
    .pair { display: flex; flex-wrap: wrap; gap: 1rem; }
    .pair figure { margin: 0; flex: 1 1 12rem; max-width: 20rem; }
    .pair img { width: 100%; height: auto; border: 1px solid #ddd; background: #fff; }
    .marks { position: relative; }
    .marks img { cursor: crosshair; }
    .mark { position: absolute; width: 12px; height: 12px; margin: -6px 0 0 -6px; border-radius: 50%; border: 2px solid #fff; }
    .mark.remove { background: #d00; }
    .mark.keep { background: #0a0; }
    .result[data-decision=approved] { border-color: #2a7d2a; }
    .result[data-decision=rejected] { border-color: #a40000; }
    pre { overflow: auto; font-size: 0.8rem; }
    @media (max-width: 40rem) { main { padding: 0.5rem; } h1 { font-size: 1.1rem; } }
    """

    /// What every page's script shares: the key in sessionStorage, sign-in and sign-out, and
    /// calls to the API with the key as a header. A page defines `onSignedIn()`.
    static let common = """
    "use strict";
    const $ = (selector, root = document) => root.querySelector(selector);
    const keyName = "lightbox-key";
    const key = () => sessionStorage.getItem(keyName);

    async function api(path, options = {}) {
      const headers = Object.assign({ Authorization: "Bearer " + key() }, options.headers || {});
      const reply = await fetch(path, Object.assign({}, options, { headers }));
      const body = await reply.json().catch(() => ({}));
      if (!reply.ok) throw new Error((body.error && body.error.message) || reply.status + " " + reply.statusText);
      return body;
    }

    function show(signedIn) {
      $("#sign-in").hidden = signedIn;
      for (const part of document.querySelectorAll(".signed-in")) part.hidden = !signedIn;
      $("#sign-out").hidden = !signedIn;
    }

    $("#key-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      sessionStorage.setItem(keyName, $("#key").value.trim());
      $("#key").value = "";
      try {
        await onSignedIn();
        $("#key-error").textContent = "";
        show(true);
      } catch (error) {
        sessionStorage.removeItem(keyName);
        $("#key-error").textContent = error.message;
      }
    });
    $("#sign-out").addEventListener("click", () => { sessionStorage.removeItem(keyName); show(false); });
    window.addEventListener("load", () => {
      if (key()) onSignedIn().then(() => show(true), () => show(false)); else show(false);
    });
    """

    static let script = """
    "use strict";
    async function showAccount() {
      const account = await api("/v1/account");
      $("#credits").textContent = account.available + " credits available";
    }
    const onSignedIn = showAccount;

    const drop = $("#drop");
    drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", (event) => {
      event.preventDefault();
      drop.classList.remove("over");
      $("#photos").files = event.dataTransfer.files;
    });

    function fields() {
      const form = new Map();
      const prompt = $("#prompt").value.trim();
      const colour = $("#colour").value.trim();
      if (prompt) form.set("background_prompt", prompt);
      else if (colour) form.set("background_color", colour);
      else if ($("#preset").value) form.set("preset", $("#preset").value);
      for (const [field, id] of [["shadow_type", "shadow"], ["size", "size"], ["margin", "margin"],
                                 ["output_format", "formats"], ["watermark", "watermark"]]) {
        const value = $("#" + id).value.trim();
        if (value) form.set(field, value);
      }
      return form;
    }

    function newResult(file, title) {
      const item = $("#result-template").content.firstElementChild.cloneNode(true);
      // The file's name is shown as text only; the server names inputs by their content.
      $(".name", item).textContent = title;
      $(".before", item).src = URL.createObjectURL(file);
      $("#results").prepend(item);
      return item;
    }

    $("#shot-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      $("#form-error").textContent = "";
      const chosen = fields();
      for (const file of $("#photos").files) shoot(file, chosen, newResult(file, file.name));
    });

    // The first photo over every preset and shadow, cut out once, to choose a look from.
    $("#sheet").addEventListener("click", () => {
      $("#form-error").textContent = "";
      const file = $("#photos").files[0];
      if (!file) {
        $("#form-error").textContent = "Choose a photo first.";
        return;
      }
      const item = newResult(file, file.name + ": presets × shadows");
      item.classList.add("sheet");
      shoot(file, new Map([["size", "200x200"]]), item, "/v1/image/preset-sheet");
    });

    async function shoot(file, chosen, item, path = "/v1/image/product-photo") {
      const body = new FormData();
      body.append("image", file);
      for (const [name, value] of chosen) body.append(name, value);
      const status = $(".status", item);
      try {
        status.textContent = "uploading";
        let job = await api(path, { method: "POST", body });
        while (job.status === "pending" || job.status === "processing") {
          status.textContent = job.status;
          await new Promise((done) => setTimeout(done, 400));
          job = await api("/v1/image/" + job.generation_id);
        }
        $(".json", item).textContent = JSON.stringify(job, null, 2);
        if (job.status !== "completed") throw new Error(job.error ? job.error.message : job.status);
        status.textContent = "completed";
        item.dataset.status = "completed";
        if (item.classList.contains("sheet")) {
          $(".sheet-image", item).src = job.output_url;
          $(".sheet-image", item).hidden = false;
        } else {
          $(".after", item).src = job.output_url;
          $(".compare", item).hidden = false;
          const slider = $(".slider", item);
          slider.addEventListener("input", () => {
            $(".before", item).style.clipPath = "inset(0 " + (100 - slider.value) + "% 0 0)";
          });
        }
        for (const [format, url] of Object.entries(job.outputs)) {
          const link = document.createElement("a");
          link.href = url;
          link.download = "";
          link.className = "download-" + format;
          link.textContent = "Download " + format.toUpperCase();
          $(".downloads", item).append(link);
        }
        showAccount();
      } catch (error) {
        item.dataset.status = "failed";
        status.textContent = "failed: " + error.message;
      }
    }
    """
}
