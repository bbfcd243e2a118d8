/* GCM Stakeholder Portal: small progressive enhancements; every page works without them. */
(function () {
    "use strict";

    // Show only the organisation fields that match the "you take part" choice.
    document.querySelectorAll("[data-speaks-for]").forEach(function (fieldset) {
        var radios = fieldset.querySelectorAll('input[name="speaks_for"]');
        var panels = fieldset.querySelectorAll("[data-speaks-for-panel]");
        function update() {
            var chosen = fieldset.querySelector('input[name="speaks_for"]:checked');
            panels.forEach(function (panel) {
                panel.hidden = !chosen || panel.getAttribute("data-speaks-for-panel") !== chosen.value;
            });
        }
        radios.forEach(function (radio) { radio.addEventListener("change", update); });
        update();
    });

    // Suggest registered organisations while the user types a name.
    document.querySelectorAll('input[data-autocomplete="organisations"]').forEach(function (input) {
        var list = document.getElementById(input.getAttribute("list"));
        var language = document.documentElement.lang || "en";
        var timer = null;
        input.addEventListener("input", function () {
            clearTimeout(timer);
            var text = input.value.trim();
            if (text.length < 2 || !list) { return; }
            timer = setTimeout(function () {
                fetch("/" + language + "/organisations/autocomplete/?q=" + encodeURIComponent(text), {
                    headers: { "Accept": "application/json" },
                    credentials: "same-origin"
                }).then(function (response) {
                    return response.ok ? response.json() : { results: [] };
                }).then(function (data) {
                    list.replaceChildren();
                    data.results.forEach(function (organisation) {
                        var option = document.createElement("option");
                        option.value = organisation.name;
                        option.label = [organisation.acronym, organisation.country].filter(Boolean).join(" · ");
                        list.appendChild(option);
                    });
                }).catch(function () { /* suggestions are a convenience; typing still works */ });
            }, 250);
        });
    });
})();

/* The input form: character counters, autosave of drafts, a local backup, one submit only. */
(function () {
    "use strict";
    var lang = document.documentElement.lang || "en";
    var numbers = new Intl.NumberFormat(lang);

    // Live character counters under each answer.
    document.querySelectorAll("textarea[data-max-chars]").forEach(function (area) {
        var counter = document.querySelector('[data-counter-for="' + area.id + '"]');
        if (!counter) { return; }
        var limit = parseInt(area.getAttribute("data-max-chars"), 10);
        counter.setAttribute("aria-live", "polite");
        function update() {
            var used = area.value.length;
            counter.textContent = numbers.format(used) + " / " + numbers.format(limit);
            counter.classList.toggle("counter--over", used > limit);
        }
        area.addEventListener("input", update);
        update();
    });

    // Time left before a deadline, in the reader's language and timezone.
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (element) {
        var deadline = new Date(element.getAttribute("data-deadline"));
        var local = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeStyle: "short" });
        function update() {
            var left = deadline - new Date();
            if (left <= 0) { element.textContent = ""; return; }
            var days = Math.floor(left / 86400000);
            var hours = Math.floor((left % 86400000) / 3600000);
            var relative = new Intl.RelativeTimeFormat(lang, { numeric: "always" });
            element.textContent = "(" + local.format(deadline) + " · " +
                (days > 0 ? relative.format(days, "day") : relative.format(hours, "hour")) + ")";
        }
        update();
        setInterval(update, 60000);
    });

    // A submit button sends once: a double click creates nothing twice.
    document.querySelectorAll("button[data-submit-once]").forEach(function (button) {
        button.form.addEventListener("submit", function () {
            setTimeout(function () { button.disabled = true; }, 0);
        });
    });

    // Drafts save themselves a few seconds after the author stops typing, without reloading.
    var form = document.querySelector("form[data-autosave]");
    if (!form || !form.getAttribute("data-autosave")) { return; }
    var url = form.getAttribute("data-autosave");
    var status = form.querySelector("[data-autosave-status]");
    var backupKey = "gcm-input-" + form.getAttribute("data-input");
    var timer = null;
    var saving = false;
    var pending = false;
    var labels = {
        saving: form.getAttribute("data-label-saving") || "…",
    };

    function say(text, isError) {
        if (!status) { return; }
        status.textContent = text;
        status.classList.toggle("autosave-status--error", !!isError);
    }

    function backup() {
        var data = {};
        form.querySelectorAll("textarea").forEach(function (area) { data[area.name] = area.value; });
        try { localStorage.setItem(backupKey, JSON.stringify({ at: Date.now(), answers: data })); } catch (e) { /* private mode */ }
    }

    function save() {
        if (saving) { pending = true; return; }
        saving = true;
        say(status.getAttribute("data-saving"));
        fetch(url, {
            method: "POST",
            body: new FormData(form),
            credentials: "same-origin",
            headers: { "X-Autosave": "1", "Accept": "application/json" }
        }).then(function (response) {
            var type = response.headers.get("Content-Type") || "";
            if (type.indexOf("application/json") === -1) {
                // Signed out (session expired): the text stays here and in this browser.
                throw new Error(status.getAttribute("data-signed-out"));
            }
            return response.json();
        }).then(function (result) {
            if (!result.ok) { throw new Error(result.error); }
            form.querySelector('input[name="version"]').value = result.version;
            var time = new Intl.DateTimeFormat(lang, { timeStyle: "short" }).format(new Date(result.saved_at));
            say(status.getAttribute("data-saved").replace("%(time)s", time));
            try { localStorage.removeItem(backupKey); } catch (e) { /* ignore */ }
        }).catch(function (error) {
            say(error.message || status.getAttribute("data-failed"), true);
        }).finally(function () {
            saving = false;
            if (pending) { pending = false; save(); }
        });
    }

    form.addEventListener("input", function () {
        backup();
        clearTimeout(timer);
        timer = setTimeout(save, 3000);
    });
    form.addEventListener("change", function (event) {
        if (event.target.tagName !== "TEXTAREA") { clearTimeout(timer); timer = setTimeout(save, 1000); }
    });

    // Text typed while offline or signed out, newer than the saved draft, is offered back.
    try {
        var saved = JSON.parse(localStorage.getItem(backupKey) || "null");
        if (saved && saved.answers) {
            var differs = Object.keys(saved.answers).some(function (name) {
                var area = form.querySelector('textarea[name="' + name + '"]');
                return area && area.value !== saved.answers[name];
            });
            if (differs && status) {
                var restore = document.createElement("button");
                restore.type = "button";
                restore.className = "link-button";
                restore.textContent = status.getAttribute("data-restore");
                restore.addEventListener("click", function () {
                    Object.keys(saved.answers).forEach(function (name) {
                        var area = form.querySelector('textarea[name="' + name + '"]');
                        if (area) { area.value = saved.answers[name]; area.dispatchEvent(new Event("input", { bubbles: true })); }
                    });
                    restore.remove();
                });
                status.after(restore);
            }
        }
    } catch (e) { /* no storage: nothing to restore */ }
})();
