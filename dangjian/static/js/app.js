// Site-wide behaviour, no inline scripts (CSP script-src 'self').
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("meta[name=csrf-token], input[name=csrfmiddlewaretoken]");
  if (token) event.detail.headers["X-CSRFToken"] = token.content || token.value;
});
// <form data-confirm="..."> asks before submitting (deactivate, end a post...).
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
// <select data-autosubmit> submits its form on change (filter bars).
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]")) event.target.form.requestSubmit();
});
// A region filled lazily (tree children: aria-busy="true" while loading) is no longer busy once htmx swapped it.
document.addEventListener("htmx:afterSwap", (event) => event.detail.target.removeAttribute("aria-busy"));
