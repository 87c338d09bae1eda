// The SPARQL tab's editor: YASGUI (YASQE + YASR), loaded from the app's own /yasgui/ route only when the tab's
// #q-yasgui element appears (never with the first page), wired to /sparql, this graph's prefixes and completion.
(function () {
  "use strict";
  const opened = new URLSearchParams(window.location.search);
  // ?tab=sparql&query=… opens that query (read now: the page's URL sync drops keys it does not know)
  let pendingQuery = opened.get("tab") === "sparql" ? opened.get("query") : null;
  let pendingLoad = null; // a catalogue query sent before the editor was ready
  let yasgui = null;
  let loading = null;
  let config = null;

  function load(files) {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        const css = document.createElement("link");
        css.rel = "stylesheet";
        css.href = files + "yasgui.min.css";
        document.head.appendChild(css);
        const script = document.createElement("script");
        script.src = files + "yasgui.min.js";
        script.onload = resolve;
        script.onerror = function () {
          reject(new Error("the SPARQL editor could not be loaded from " + files));
        };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function declared(yasqe) {
    return yasqe.getPrefixesFromQuery() || {};
  }

  // Every known prefix the query uses but does not declare gets its PREFIX line (before it runs).
  function addKnownPrefixes(yasqe) {
    const have = declared(yasqe);
    const missing = {};
    const text = yasqe.getValue();
    const doc = yasqe.getDoc();
    for (let line = 0; line < doc.lineCount(); line++) {
      for (const token of yasqe.getLineTokens(line)) {
        if (token.type !== "string-2") continue; // a prefixed name
        const prefix = token.string.slice(0, token.string.indexOf(":"));
        if (!(prefix in have) && prefix in config.prefixes) missing[prefix] = config.prefixes[prefix];
      }
    }
    if (Object.keys(missing).length && text.trim()) yasqe.addPrefixes(missing);
  }

  // The typed start of an IRI as a full IRI's start, remembering how to write a suggestion back.
  function preProcess(yasqe, token) {
    const text = token.string.trim();
    token.autocompletionString = text.replace(/^</, "").replace(/>$/, "");
    if (text[0] !== "<" && text.indexOf(":") > 0) {
      const prefix = text.slice(0, text.indexOf(":"));
      const ns = declared(yasqe)[prefix] || config.prefixes[prefix];
      if (ns) {
        token.tokenPrefix = prefix + ":";
        token.tokenPrefixUri = ns;
        token.autocompletionString = ns + text.slice(prefix.length + 1);
      }
    }
    return token;
  }

  function postProcess(yasqe, token, iri) {
    if (token.tokenPrefixUri && iri.indexOf(token.tokenPrefixUri) === 0) {
      return token.tokenPrefix + iri.slice(token.tokenPrefixUri.length);
    }
    for (const prefix in config.prefixes) {
      const ns = config.prefixes[prefix];
      if (iri.indexOf(ns) === 0 && /^[A-Za-z0-9_-]*$/.test(iri.slice(ns.length))) {
        return prefix + ":" + iri.slice(ns.length);
      }
    }
    return "<" + iri + ">";
  }

  function fromGraph(kind) {
    return function (yasqe, token) {
      if (!token || !token.autocompletionString) return Promise.resolve([]);
      const url = config.terms + "?kind=" + kind + "&prefix=" + encodeURIComponent(token.autocompletionString);
      return fetch(url).then(function (r) {
        return r.ok ? r.json() : [];
      });
    };
  }

  function registerCompleters(Yasqe) {
    const known = Object.keys(config.prefixes)
      .sort()
      .map(function (p) {
        return p + ": <" + config.prefixes[p] + ">";
      });
    const A = Yasqe.Autocompleters;
    A.prefixes = Object.assign({}, A.prefixes, { get: known, persistenceId: undefined });
    for (const name of ["class", "property"]) {
      A[name] = Object.assign({}, A[name], {
        get: fromGraph(name === "class" ? "class" : "property"),
        preProcessToken: preProcess,
        postProcessSuggestion: postProcess,
        autoShow: true,
        bulk: false,
      });
    }
    Yasqe.defaults.autocompleters = ["prefixes", "variables", "class", "property"];
  }

  function permalink() {
    const field = document.getElementById("q-permalink");
    const tab = yasgui && yasgui.getTab();
    if (!field || !tab) return;
    hook(tab); // its editor exists once the tab is drawn
    const query = tab.getQuery();
    field.value =
      window.location.origin + window.location.pathname + "?tab=sparql&query=" + encodeURIComponent(query);
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props("q-editor", { data: query }); // the Draw button's query
    }
  }

  // Keep each tab's query as it is typed (YASGUI itself saves on blur or run: a reload lost the rest).
  function hook(tab) {
    const yasqe = tab && tab.getYasqe();
    if (!yasqe || yasqe.akgHooked) return;
    yasqe.akgHooked = true;
    let timer = null;
    yasqe.on("queryResponse", function (_yasqe, response) {
      markServerError(yasqe, response);
    });
    yasqe.on("change", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        tab.handleYasqeBlur(yasqe);
        permalink();
      }, 200);
    });
  }

  // The endpoint's error at its line and column (what the editor's own check let through), marked there;
  // a column past the line's end (an error at the end of the text) marks the line's last character.
  function markServerError(yasqe, response) {
    const cm = (yasqe.getWrapperElement && yasqe.getWrapperElement().CodeMirror) || yasqe; // the drawn editor
    (yasqe.akgMarks || []).forEach(function (mark) {
      mark.clear();
    });
    yasqe.akgMarks = [];
    const text = String((response && response.message) || "");
    const where = /\(line (\d+), column (\d+)\)/.exec(text);
    if (!where) return;
    const line = Math.max(0, Math.min(cm.lineCount() - 1, Number(where[1]) - 1));
    const length = cm.getLine(line).length;
    const ch = Math.max(0, Math.min(Number(where[2]) - 1, length - 1));
    const options = { className: "akg-query-error", title: text.split("\n")[0] };
    yasqe.akgMarks.push(cm.markText({ line: line, ch: ch }, { line: line, ch: Math.max(ch + 1, length) }, options));
  }

  function setQuery(text) {
    const tab = yasgui.getTab();
    tab.setQuery(text);
    addKnownPrefixes(tab.getYasqe()); // declared in the editor, so its syntax check knows them
    tab.getYasqe().checkSyntax();
    permalink();
  }

  // The table's rows as shown: filtered and sorted by the table, every column, full IRIs.
  function shownRows() {
    const tab = yasgui && yasgui.getTab();
    const yasr = tab && tab.getYasr();
    const table = yasr && yasr.plugins && yasr.plugins.table;
    if (!yasr || !yasr.results || !table || !table.dataTable) return null;
    const vars = yasr.results.getVariables();
    const rows = table.dataTable.rows({ search: "applied", order: "applied" }).data().toArray();
    return {
      vars: vars,
      rows: rows.map(function (row) {
        return vars.map(function (_v, i) {
          return row[i + 1] || null;
        });
      }),
    };
  }

  function csvCell(term) {
    const text = term ? term.value : "";
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function tsvCell(term) {
    if (!term) return "";
    if (term.type === "uri") return "<" + term.value + ">";
    if (term.type === "bnode") return "_:" + term.value;
    const text = '"' + term.value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")
      .replace(/\r/g, "\\r").replace(/\t/g, "\\t") + '"';
    if (term["xml:lang"]) return text + "@" + term["xml:lang"];
    if (term.datatype) return text + "^^<" + term.datatype + ">";
    return text;
  }

  function asText(shown, format) {
    if (format === "json") {
      const bindings = shown.rows.map(function (row) {
        const out = {};
        shown.vars.forEach(function (v, i) {
          if (row[i]) out[v] = row[i];
        });
        return out;
      });
      return JSON.stringify({ head: { vars: shown.vars }, results: { bindings: bindings } }, null, 1);
    }
    const cell = format === "tsv" ? tsvCell : csvCell;
    const sep = format === "tsv" ? "\t" : ",";
    const head = shown.vars.map(function (v) {
      return format === "tsv" ? "?" + v : v;
    });
    const lines = [head.join(sep)].concat(
      shown.rows.map(function (row) {
        return row.map(cell).join(sep);
      }),
    );
    return lines.join(format === "tsv" ? "\n" : "\r\n") + (format === "tsv" ? "\n" : "\r\n");
  }

  const TYPES = { csv: "text/csv", tsv: "text/tab-separated-values", json: "application/sparql-results+json" };

  function download(format) {
    const shown = shownRows();
    const status = document.getElementById("q-status");
    if (!shown) {
      if (status) status.textContent = "Run a SELECT query first: the download is the table as shown.";
      return;
    }
    const blob = new Blob([asText(shown, format)], { type: TYPES[format] + ";charset=utf-8" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "results." + format;
    document.body.appendChild(link);
    link.click();
    link.remove();
    if (status) status.textContent = "Downloaded " + shown.rows.length + " rows as " + format.toUpperCase() + ".";
  }

  function curie(iri) {
    for (const prefix in config.prefixes) {
      const ns = config.prefixes[prefix];
      if (iri.indexOf(ns) === 0 && iri.length > ns.length) return prefix + ":" + iri.slice(ns.length);
    }
    return iri;
  }

  // An IRI in the results opens its entity in the Graph tab: drawn around it, selected, its details shown.
  function openInGraph(iri) {
    const name = encodeURIComponent(curie(iri));
    window.history.pushState(null, "", window.location.pathname + "?focus=" + name + "&node=" + name);
    window.dispatchEvent(new PopStateEvent("popstate", { state: null }));
    window.scrollTo(0, 0);
  }

  function init(el) {
    config = JSON.parse(el.getAttribute("data-config"));
    const status = document.getElementById("q-status");
    load(config.files)
      .then(function () {
        const Yasgui = window.Yasgui;
        registerCompleters(Yasgui.Yasqe);
        const endpoint = new URL(config.endpoint, window.location.href).toString();
        yasgui = new Yasgui(el, {
          requestConfig: { endpoint: endpoint, method: "POST" },
          copyEndpointOnNewTab: true,
          persistenceId: "akg-sparql",
          populateFromUrl: false,
          autofocus: false,
          endpointCatalogueOptions: {
            getData: function () {
              return [{ endpoint: endpoint }];
            },
          },
          yasqe: {
            value:
              "PREFIX akg: <" + config.prefixes.akg + ">\nPREFIX skos: <" + config.prefixes.skos + ">\n" +
              "SELECT ?role ?label WHERE {\n  ?role a akg:Role ;\n        skos:prefLabel ?label .\n}\nORDER BY ?label\nLIMIT 20",
            autocompleters: ["prefixes", "variables", "class", "property"],
          },
          yasr: { prefixes: config.prefixes, defaultPlugin: "table", pluginOrder: ["table", "response"] },
        });
        yasgui.on("queryBefore", function (_y, tab) {
          addKnownPrefixes(tab.getYasqe());
        });
        yasgui.on("tabChange", permalink);
        yasgui.on("tabSelect", function () {
          setTimeout(function () {
            hook(yasgui.getTab());
            permalink();
          }, 0);
        });
        hook(yasgui.getTab());
        if (pendingQuery) {
          yasgui.addTab(true, { name: "Link", yasqe: { value: pendingQuery } }, { avoidDuplicateTabs: true });
          setQuery(pendingQuery);
          pendingQuery = null;
          yasgui.getTab().query(); // a shared link shows its answer, as /sparql?query= opened in a browser asks
        }
        if (pendingLoad !== null) {
          setQuery(pendingLoad);
          pendingLoad = null;
        }
        el.addEventListener(
          "click",
          function (event) {
            const link = event.target.closest && event.target.closest("a.iri");
            if (!link || !el.contains(link)) return;
            event.preventDefault();
            event.stopPropagation();
            openInGraph(link.getAttribute("href"));
          },
          true,
        );
        label(el);
        permalink();
        el.setAttribute("data-ready", "true");
      })
      .catch(function (error) {
        if (status) status.textContent = String(error.message || error);
      });
  }

  // YASGUI's markup made accessible: controls named, the add-tab button out of the tab list (only tabs
  // belong in a tablist), the editor's scrolling area reachable by keyboard.
  function label(el) {
    el.querySelectorAll("input:not([aria-label]), select:not([aria-label]), textarea:not([aria-label])").forEach(
      function (input) {
        input.setAttribute("aria-label", input.getAttribute("placeholder") || input.name || "SPARQL editor");
      },
    );
    el.querySelectorAll(".tabsList").forEach(function (list) {
      const add = list.querySelector(".addTab");
      if (!add) return;
      const holder = add.parentElement;
      if (!list.parentElement.classList.contains("tabs-and-add")) {
        const row = document.createElement("div");
        row.className = "tabs-and-add";
        list.parentElement.insertBefore(row, list);
        row.appendChild(list);
      }
      const row = list.parentElement;
      row.querySelectorAll(":scope > div:not(.tabsList)").forEach(function (old) {
        old.remove(); // one moved before the list was redrawn
      });
      row.appendChild(holder);
    });
    el.querySelectorAll(".CodeMirror-scroll:not([tabindex=\"0\"])").forEach(function (scroll) {
      scroll.setAttribute("tabindex", "0");
      scroll.setAttribute("aria-label", "query text");
    });
  }

  window.akgSparql = {
    load: function (text) {
      if (typeof text !== "string") return;
      if (yasgui) setQuery(text);
      else pendingLoad = text;
    },
    yasgui: function () {
      return yasgui;
    },
    download: download,
    shownRows: shownRows,
    asText: asText,
  };

  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest("[data-download]");
    if (button) download(button.getAttribute("data-download"));
  });

  const observer = new MutationObserver(function () {
    const el = document.getElementById("q-yasgui");
    if (el && !el.hasAttribute("data-started")) {
      el.setAttribute("data-started", "true");
      init(el);
    } else if (el && yasgui) {
      label(el);
    }
  });
  observer.observe(document.documentElement, { childList: true, subtree: true });
})();
