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
      var label = box.querySelector("[data-vote-label]");
      if (label) label.textContent = result.data.vote_label;
      var followers = box.querySelector("[data-follower-text]");
      if (followers) followers.textContent = result.data.follower_text;
      var follow = box.querySelector("[data-follow-form]");
      if (follow) {
        follow.querySelector("input[name=follow]").value = result.data.following ? "0" : "1";
        follow.querySelector("button").textContent = result.data.following ? follow.dataset.labelUnfollow : follow.dataset.labelFollow;
      }
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

// While a title is typed, show questions that look similar (the server
// shows the same list again as a confirmation step, with or without JS).
(function () {
  "use strict";
  var box = document.querySelector("[data-similar-url]");
  var input = document.getElementById("title");
  if (!box || !input || !window.fetch) return;
  var timer = null;
  var last = "";
  function render(items) {
    box.textContent = "";
    if (!items.length) return;
    var heading = document.createElement("p");
    heading.textContent = box.dataset.similarHeading;
    var list = document.createElement("ul");
    items.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.url;
      a.textContent = item.title;
      var count = document.createElement("span");
      count.className = "meta";
      count.textContent = " (" + item.votes_label + ")";
      li.appendChild(a);
      li.appendChild(count);
      list.appendChild(li);
    });
    box.appendChild(heading);
    box.appendChild(list);
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var title = input.value.trim();
      if (title === last) return;
      last = title;
      if (title.length < 8) { render([]); return; }
      var language = document.getElementById("language");
      var query = "?title=" + encodeURIComponent(title) + (language ? "&lang=" + encodeURIComponent(language.value) : "");
      fetch(box.dataset.similarUrl + query, { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) { if (input.value.trim() === title) render(data.items); })
        .catch(function () { render([]); });
    }, 300);
  });
})();
