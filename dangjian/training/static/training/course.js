// Online course progress: the furthest second watched is sent to /api/v1/course-progress/ every 15 seconds of
// playback and when the video pauses or ends. Only forward: a rewind sends nothing (the server refuses anyway).
(function () {
  const video = document.getElementById("course-video");
  if (!video) return;
  const csrf = document.querySelector("meta[name=csrf-token]").content;
  let sent = Number(video.dataset.position || 0);
  let furthest = sent;
  if (sent > 0) video.addEventListener("loadedmetadata", () => { video.currentTime = Math.min(sent, video.duration || sent); }, { once: true });
  function send() {
    const position = Math.min(Math.floor(furthest), Number(video.dataset.length));
    if (position <= sent) return;
    sent = position;
    fetch("/api/v1/course-progress/", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ course: Number(video.dataset.course), position: position }),
    });
  }
  video.addEventListener("timeupdate", () => {
    if (video.currentTime > furthest && video.currentTime - furthest < 5) furthest = video.currentTime;
    if (furthest - sent >= 15) send();
  });
  video.addEventListener("pause", send);
  video.addEventListener("ended", send);
})();
