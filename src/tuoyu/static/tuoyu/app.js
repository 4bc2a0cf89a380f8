/* Tuoyu's page behaviour. Every page works without it; it only adds conveniences.
   No inline scripts exist (Content-Security-Policy), so everything hooks onto data attributes. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  // Forms marked data-autosubmit (the language switch) and selects marked data-autosubmit-field
  // submit themselves on change; their submit buttons are hidden when JavaScript runs.
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (!(el instanceof HTMLSelectElement)) return;
    if (el.form && (el.form.hasAttribute("data-autosubmit") || el.hasAttribute("data-autosubmit-field"))) {
      el.form.submit();
    }
  });

  // Error summaries take focus so screen readers announce them (GOV.UK pattern).
  ready(function () {
    var box = document.querySelector("[data-focus-on-load]");
    if (box) box.focus();
  });

  // Region tree: the first click loads the children through htmx; later clicks fold and unfold.
  document.addEventListener("click", function (ev) {
    var toggle = ev.target.closest ? ev.target.closest("[data-tree-toggle]") : null;
    if (!toggle || !toggle.hasAttribute("data-loaded")) return;
    ev.preventDefault();
    var box = document.getElementById(toggle.getAttribute("data-tree-toggle"));
    if (!box) return;
    var open = toggle.getAttribute("aria-expanded") === "true";
    box.hidden = open;
    toggle.setAttribute("aria-expanded", open ? "false" : "true");
    toggle.classList.toggle("is-open", !open);
  });
  document.addEventListener("htmx:afterSwap", function (ev) {
    var src = ev.detail && ev.detail.requestConfig && ev.detail.requestConfig.elt;
    if (src && src.hasAttribute && src.hasAttribute("data-tree-toggle")) {
      src.setAttribute("data-loaded", "1");
      src.setAttribute("aria-expanded", "true");
      src.classList.add("is-open");
    }
  });

  // Formsets: "add a row" clones the empty form (a <template>) with the next index.
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest ? ev.target.closest("[data-formset-add]") : null;
    if (!btn) return;
    var prefix = btn.getAttribute("data-formset-add");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var tpl = document.getElementById(btn.getAttribute("data-formset-template"));
    var target = document.getElementById(btn.getAttribute("data-formset-target"));
    if (!total || !tpl || !target) return;
    var index = parseInt(total.value, 10);
    var html = tpl.innerHTML.replace(/__prefix__/g, String(index));
    target.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var first = target.lastElementChild && target.lastElementChild.querySelector("input, select");
    if (first) first.focus();
  });

  // Charts: ECharts reads its numbers from a <script type="application/json"> block
  // (json_script), never from inline code. Bars for all and filed places per 1,000, a target line.
  function initCharts() {
    if (typeof window.echarts === "undefined") return;
    document.querySelectorAll("[data-chart-source]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart-source"));
      if (!source) return;
      var d = JSON.parse(source.textContent);
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      var narrow = el.clientWidth < 600;
      chart.setOption({
        title: { text: d.title, left: 0, textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v; } },
        legend: narrow ? { bottom: 0, left: 0 } : { top: 0, right: 0 },
        grid: { left: 56, right: 24, top: 64, bottom: narrow ? 96 : 64 },
        xAxis: { type: "category", data: d.categories, axisLabel: { interval: 0, rotate: d.categories.length > 8 ? 40 : 0 } },
        // The axis always reaches above the target so its line is never off the chart.
        yAxis: { type: "value", name: d.unit, nameGap: 12,
                 max: function (v) { return Math.ceil(Math.max(v.max, d.target) * 1.15); } },
        series: [
          {
            name: d.series_all, type: "bar", data: d.all, itemStyle: { color: "#0b5cad" },
            markLine: {
              symbol: "none", silent: true, lineStyle: { color: "#a61b1b", type: "dashed", width: 2 },
              label: { formatter: d.target_label, position: "insideEndTop", color: "#a61b1b" },
              data: [{ yAxis: d.target }]
            }
          },
          { name: d.series_filed, type: "bar", data: d.filed, itemStyle: { color: "#5fa55a" } }
        ]
      });
      // Drill down: a bar opens that region's page.
      chart.on("click", function (p) {
        if (d.links && d.links[p.dataIndex]) window.location.href = d.links[p.dataIndex];
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  ready(initCharts);
})();

// Phones: filter panels start folded so the list is visible first (still one tap away).
(function () {
  "use strict";
  if (window.matchMedia && window.matchMedia("(max-width: 767.98px)").matches) {
    document.querySelectorAll("details[data-collapse-on-phone]").forEach(function (d) {
      if (!d.querySelector(".field-message")) d.open = false;
    });
  }
})();
