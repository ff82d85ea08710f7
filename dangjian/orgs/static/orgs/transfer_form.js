// The transfer form: show the directory picker or the outside-destination fields, after the chosen mode.
document.querySelectorAll("[data-transfer-mode]").forEach(function (radio) {
  radio.addEventListener("change", function () {
    var outside = radio.value === "outside" && radio.checked;
    document.getElementById("transfer-inside").hidden = outside;
    document.getElementById("transfer-outside").hidden = !outside;
  });
});
