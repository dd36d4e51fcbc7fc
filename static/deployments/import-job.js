// An import job's page while the worker runs it: the progress table is updated in place from
// the job's progress address, and the page reloads once when the job is done, to show the
// report. Without JavaScript the page reloads itself instead (import_job.html).
"use strict";

(function () {
    const section = document.getElementById("import-progress");
    if (!section) return;
    const status = document.getElementById("import-progress-status");
    const body = section.querySelector("#import-progress-tables tbody");
    const problems = document.querySelector("#import-progress-problems strong");
    const number = new Intl.NumberFormat("en-GB");
    const POLL_MS = 1000;
    // The status line is a live region: announce it only now and then, not on every poll.
    const ANNOUNCE_MS = 10000;
    let announced = 0;

    function row(table) {
        const tr = document.createElement("tr");
        const th = document.createElement("th");
        th.scope = "row";
        th.textContent = table.table;
        const count = document.createElement("td");
        count.textContent = number.format(table.done) + " of " + number.format(table.total);
        const bar = document.createElement("td");
        const progress = document.createElement("progress");
        progress.max = table.total;
        progress.value = table.done;
        progress.textContent = table.done + " of " + table.total;
        bar.append(progress);
        tr.append(th, count, bar);
        return tr;
    }

    function show(state) {
        body.replaceChildren(...state.tables.map(row));
        problems.textContent = number.format(state.problems);
        const current = state.tables[state.tables.length - 1];
        const now = Date.now();
        if (current && now - announced >= ANNOUNCE_MS) {
            announced = now;
            status.textContent = current.table + ": " + number.format(current.done) + " of " +
                number.format(current.total) + " rows";
        }
    }

    function poll() {
        fetch(section.dataset.progressUrl, { credentials: "same-origin", cache: "no-store" })
            .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
            .then((state) => {
                if (!state.running) {
                    window.location.reload();
                    return;
                }
                show(state);
                window.setTimeout(poll, POLL_MS);
            })
            .catch(() => window.setTimeout(poll, POLL_MS * 5));
    }

    window.setTimeout(poll, POLL_MS);
})();
