// Progressive enhancement only: every action works without this file.
(function () {
  "use strict";
  // Vote without a page reload; on any problem fall back to the normal form post.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-vote-form]") || !window.fetch) return;
    event.preventDefault();
    var button = form.querySelector("button");
    var input = form.querySelector("input[name=vote]");
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok && response.status !== 409) throw new Error("vote failed");
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      var box = form.closest(".vote-box") || document;
      var status = box.querySelector("[data-vote-status]");
      if (result.status === 409) {
        if (status) status.textContent = result.data.error.message;
        button.disabled = false;
        return;
      }
      var count = box.querySelector("[data-vote-count]");
      if (count) count.textContent = new Intl.NumberFormat(document.documentElement.lang).format(result.data.vote_count);
      input.value = result.data.voted ? "0" : "1";
      button.setAttribute("aria-pressed", result.data.voted ? "true" : "false");
      button.textContent = result.data.voted ? form.dataset.labelVoted : form.dataset.labelVote;
      button.classList.toggle("button-secondary", result.data.voted);
      if (status) status.textContent = result.data.voted ? form.dataset.msgVoted : form.dataset.msgUnvoted;
      button.disabled = false;
    }).catch(function () {
      button.disabled = false;
      form.submit();
    });
  });
})();
