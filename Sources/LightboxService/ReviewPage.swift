/// `GET /review`: the key's review queue. Each result waiting for a person shows the photo
/// as sent beside the result, why it is here and its QA score, with one click to approve
/// (publish) or reject (keep the original), or to fix it: clicks on the photo mark what is
/// background (or, with Shift, product); each click previews the fix at once (from the mask
/// the job's render left in the cache), and Fix keeps it and renders it again. A
/// generated angle is shown from its owner-only preview, marked as AI-generated, and can be
/// approved or rejected, not fixed.
enum ReviewPage {
    static let html = StudioPage.shell(title: "Lightbox Review", main: """
    <section id="review" class="signed-in" hidden aria-labelledby="review-title">
      <h2 id="review-title">Waiting for a person</h2>
      <p id="summary" aria-live="polite"></p>
      <ol id="queue"></ol>
    </section>
    <template id="item-template">
      <li class="result">
        <h3 class="id"></h3>
        <p class="why"></p>
        <div class="pair">
          <figure><div class="marks"><img class="input" alt="the photo as sent; click to mark background, Shift-click for product"></div>
            <figcaption class="sent">Sent: click what is background, Shift-click what is product</figcaption></figure>
          <figure><img class="output" alt="the result"><figcaption class="result-caption" aria-live="polite">Result</figcaption></figure>
        </div>
        <button class="approve" type="button">Approve</button>
        <button class="reject" type="button">Reject</button>
        <button class="fix" type="button" disabled>Fix</button>
        <p class="points"></p>
        <p class="decision" role="status"></p>
      </li>
    </template>
    """, script: "/review/review.js")

    static let script = """
    "use strict";
    const reasons = { qa_failed: "QA failed", low_score: "low QA score", touches_edge: "touches the photo's edge",
                      fallback_remover: "cut out by the fallback remover", generated_angle: "AI-generated angle" };

    // The result as only its owner may see it (a generated angle is not published yet).
    async function preview(job, image) {
      const answer = await fetch("/v1/image/" + job.generation_id + "/preview", { headers: { Authorization: "Bearer " + key() } });
      if (answer.ok) image.src = URL.createObjectURL(await answer.blob());
    }

    async function onSignedIn() {
      const { reviews } = await api("/v1/reviews");
      $("#summary").textContent = reviews.length ? reviews.length + " waiting" : "Nothing is waiting.";
      const queue = $("#queue");
      queue.replaceChildren();
      for (const job of reviews) queue.append(await item(job));
    }

    // The result as the points would make it; a later click's answer wins over an earlier one's.
    async function previewFix(job, node, points) {
      const asked = (node.previews = (node.previews || 0) + 1);
      const answer = await fetch("/v1/reviews/" + job.generation_id + "/preview", {
        method: "POST", headers: { Authorization: "Bearer " + key(), "Content-Type": "application/json" },
        body: JSON.stringify({ hints: points.join(";") }) });
      if (asked !== node.previews) return;
      if (!answer.ok) {
        $(".decision", node).textContent = ((await answer.json().catch(() => ({}))).error || {}).message || answer.statusText;
        return;
      }
      const output = $(".output", node);
      output.closest("figure").hidden = false;
      output.src = URL.createObjectURL(await answer.blob());
      $(".result-caption", node).textContent = "Preview of the fix, rendered in " + answer.headers.get("Lightbox-Render-Ms")
        + " ms (" + answer.headers.get("Lightbox-Mask") + " mask)";
      node.dataset.preview = answer.headers.get("Lightbox-Mask");
    }

    async function item(job) {
      const node = $("#item-template").content.firstElementChild.cloneNode(true);
      node.dataset.id = job.generation_id;
      // A batch's item (lightbox review DIR) is named by its SKU and store view.
      $(".id", node).textContent = job.sku ? job.sku + " · " + job.store : job.generation_id;
      const score = job.qa ? " · QA score " + job.qa.score.toFixed(2) : "";
      $(".why", node).textContent = (reasons[job.review.reason] || job.review.reason) + score
        + (job.error ? " · " + job.error.message : "");
      // The photo as sent needs the key: fetched, then shown from memory.
      const input = await fetch("/v1/image/" + job.generation_id + "/input", { headers: { Authorization: "Bearer " + key() } });
      if (input.ok) $(".input", node).src = URL.createObjectURL(await input.blob());
      if (job.generated) {
        node.classList.add("generated");
        $(".why", node).textContent = "AI-generated " + job.angle.view + " angle of " + job.angle.of + " by " + job.angle.model
          + score + " · published only once approved";
        $(".sent", node).textContent = "The photo its shot was made from";
        $(".output", node).alt = "the generated " + job.angle.view + " angle";
        await preview(job, $(".output", node));
        $(".fix", node).hidden = true;
      } else if (job.output_url) $(".output", node).src = job.output_url;
      // A batch's result (lightbox review DIR) is not public either.
      else if (job.status === "completed") await preview(job, $(".output", node));
      else $(".output", node).closest("figure").hidden = true;
      $(".approve", node).disabled = job.status !== "completed";
      const points = [];
      const marks = $(".marks", node);
      $(".input", node).addEventListener("click", (event) => {
        if (job.generated) return;
        const image = event.currentTarget;
        const x = event.offsetX / image.clientWidth, y = event.offsetY / image.clientHeight;
        const action = event.shiftKey ? "keep" : "remove";
        points.push(action + ":" + x.toFixed(4) + "," + y.toFixed(4));
        const dot = document.createElement("span");
        dot.className = "mark " + action;
        dot.style.left = (x * 100) + "%";
        dot.style.top = (y * 100) + "%";
        marks.append(dot);
        $(".points", node).textContent = points.length + " point(s) marked";
        $(".fix", node).disabled = false;
        if (!job.sku) previewFix(job, node, points);
      });
      $(".fix", node).addEventListener("click", async () => {
        try {
          const fixed = await api("/v1/reviews/" + job.generation_id + "/fix", {
            method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ hints: points.join(";") }) });
          for (const button of node.querySelectorAll("button")) button.disabled = true;
          $(".decision", node).textContent = "re-rendering as " + fixed.id;
          let next = fixed;
          while (next.status === "pending" || next.status === "processing") {
            await new Promise((done) => setTimeout(done, 400));
            next = await api("/v1/image/" + fixed.id);
          }
          if (next.output_url) $(".output", node).src = next.output_url;
          node.dataset.fixed = fixed.id;
          $(".decision", node).textContent = "fixed: " + fixed.id + " is " + next.status
            + (next.review ? " (" + next.review.state + " review)" : "");
        } catch (error) {
          $(".decision", node).textContent = error.message;
        }
      });
      for (const action of ["approve", "reject"]) {
        $("." + action, node).addEventListener("click", async () => {
          try {
            const decided = await api("/v1/reviews/" + job.generation_id + "/" + action, { method: "POST" });
            node.dataset.decision = decided.review.state;
            $(".decision", node).textContent = decided.review.state + " by " + decided.review.decided_by;
            for (const button of node.querySelectorAll("button")) button.disabled = true;
          } catch (error) {
            $(".decision", node).textContent = error.message;
          }
        });
      }
      return node;
    }
    """
}
