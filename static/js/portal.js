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
