// Moves the progress bars of a report's running compilations without reloading the page;
// reloads it once they end, so that the files and the final state appear.
(function () {
    "use strict";
    var script = document.currentScript;
    var url = script && script.dataset.progressUrl;
    if (!url) {
        return;
    }
    function update() {
        fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
            .then(function (response) { return response.json(); })
            .then(function (data) {
                var stillRunning = false;
                var ended = false;
                data.versions.forEach(function (version) {
                    var box = document.querySelector('[data-version="' + version.id + '"]');
                    var running = version.state === "queued" || version.state === "running";
                    if (running) {
                        stillRunning = true;
                    }
                    if (!box) {
                        return;
                    }
                    if (!running) {
                        ended = true;
                        return;
                    }
                    box.querySelector("progress").value = version.progress;
                    box.querySelector("[data-percent]").textContent = version.progress + "%";
                    box.querySelector("[data-state]").textContent = version.state_label;
                    box.querySelector("[data-step]").textContent = version.step;
                });
                if (ended || !stillRunning) {
                    window.location.reload();
                } else {
                    window.setTimeout(update, 1500);
                }
            })
            .catch(function () { window.setTimeout(update, 5000); });
    }
    window.setTimeout(update, 1000);
}());
