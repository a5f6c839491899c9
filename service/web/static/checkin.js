// The check-in page (templates/event_day_checkin.html): scans a QR code with the camera
// where the browser has a BarcodeDetector, puts the code into the field and submits it.
// A USB or phone scanner needs none of this: it types the code into the field.
"use strict";
(function () {
  const button = document.getElementById("camera-scan");
  const video = document.getElementById("camera-view");
  const field = document.getElementById("checkin-code");
  const form = document.getElementById("checkin-form");
  if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) {
    return;
  }
  button.hidden = false;
  function codeOf(text) {
    try {
      return new URL(text, window.location.href).searchParams.get("code") || text;
    } catch (error) {
      return text;
    }
  }
  button.addEventListener("click", async function () {
    const detector = new window.BarcodeDetector({formats: ["qr_code"]});
    const stream = await navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}});
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    async function look() {
      const found = await detector.detect(video);
      if (found.length) {
        stream.getTracks().forEach(function (track) { track.stop(); });
        field.value = codeOf(found[0].rawValue);
        form.submit();
        return;
      }
      window.requestAnimationFrame(look);
    }
    look();
  });
})();
