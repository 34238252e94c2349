// 劳务协作报表页：纯 JavaScript，无外部依赖。API 密钥只存 sessionStorage（关闭标签页即清除）。
(function () {
  "use strict";

  var KEY_STORE = "laowu.reports.apiKey";
  var OUTCOMES = [
    ["employed_in_receiving", "来津就业人数"],
    ["employed_locally", "就近就地就业人数"],
    ["employed_elsewhere", "转移其他地区就业人数"],
  ];
  var REPORTS = {
    progress: { path: "/v1/reports/progress", param: "period", title: "就业扶贫工作进展情况统计表" },
    services: { path: "/v1/reports/services", param: "period", title: "就业服务情况统计表" },
    "training-needs": { path: "/v1/reports/training-needs", param: "month", title: "培训需求清单" },
  };
  var PERIOD_RE = /^\d{4}(-H[12]|-Q[1-4]|-(0[1-9]|1[0-2]))?$/;
  var MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
  var current = null;

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function fmt(value) {
    if (value === null || value === undefined) return "—";
    if (typeof value === "number") return value.toLocaleString("zh-CN");
    return String(value);
  }

  function num(value, extraClass) {
    return el("td", { class: "num" + (extraClass ? " " + extraClass : ""), text: fmt(value) });
  }

  function setStatus(text, isError) {
    var status = $("status");
    status.textContent = text;
    status.className = isError ? "error" : "";
  }

  // --- the key: taken from the URL fragment once, then kept only in sessionStorage ----------------

  function readUrl() {
    var hash = new URLSearchParams(location.hash.replace(/^#/, ""));
    var query = new URLSearchParams(location.search);
    var key = hash.get("key") || query.get("key");
    if (key) {
      sessionStorage.setItem(KEY_STORE, key);
      hash.delete("key");
      query.delete("key");
      var qs = query.toString();
      var hs = hash.toString();
      history.replaceState(null, "", location.pathname + (qs ? "?" + qs : "") + (hs ? "#" + hs : ""));
    }
    return {
      report: hash.get("report") || query.get("report"),
      period: hash.get("period") || query.get("period") || hash.get("month") || query.get("month"),
    };
  }

  function apiKey() {
    var typed = $("key").value.trim();
    if (typed) {
      sessionStorage.setItem(KEY_STORE, typed);
      $("key").value = "";
      $("key").placeholder = "已保存在本标签页";
    }
    return sessionStorage.getItem(KEY_STORE);
  }

  // --- talking to the API -------------------------------------------------------------------------

  function ApiError(status, detail) {
    this.status = status;
    this.detail = detail;
  }

  function explain(err) {
    if (!(err instanceof ApiError)) return "网络错误：" + (err && err.message ? err.message : err);
    if (err.status === 401) return "API 密钥无效或缺失，请重新粘贴密钥。（" + err.detail + "）";
    if (err.status === 403) return "该密钥的角色无权查看此报表。（" + err.detail + "）";
    if (err.status === 422) return "输入有误：" + err.detail;
    return "出错了（" + err.status + "）：" + err.detail;
  }

  function request(report, value, extra) {
    var key = apiKey();
    if (!key) return Promise.reject(new ApiError(401, "请先粘贴 API 密钥"));
    var params = new URLSearchParams(extra || {});
    params.set(REPORTS[report].param, value);
    return fetch(REPORTS[report].path + "?" + params.toString(), {
      headers: { Authorization: "Bearer " + key, Accept: "application/json" },
      cache: "no-store",
    }).then(function (resp) {
      if (resp.ok) return resp;
      return resp
        .json()
        .catch(function () {
          return {};
        })
        .then(function (problem) {
          throw new ApiError(resp.status, problem.detail || resp.statusText);
        });
    });
  }

  // --- chart: horizontal grouped bars in inline SVG -----------------------------------------------

  var SVG = "http://www.w3.org/2000/svg";

  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function barChart(items, seriesNames) {
    var width = 1000;
    var labelW = 120;
    var right = 70;
    var barH = seriesNames.length > 1 ? 11 : 16;
    var rowH = seriesNames.length * (barH + 2) + 10;
    var top = 30;
    var height = top + items.length * rowH + 8;
    var max = 1;
    items.forEach(function (item) {
      item.values.forEach(function (v) {
        if (typeof v === "number" && v > max) max = v;
      });
    });
    var scale = (width - labelW - right) / max;
    var root = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img" });
    root.appendChild(svg("title", {}, $("chart-caption").textContent));
    seriesNames.forEach(function (name, s) {
      var x = labelW + s * 130;
      root.appendChild(svg("rect", { x: x, y: 8, width: 14, height: 12, class: "bar-" + s }));
      root.appendChild(svg("text", { x: x + 20, y: 18 }, name));
    });
    root.appendChild(svg("line", { x1: labelW, y1: top - 4, x2: labelW, y2: height - 4, class: "axis" }));
    items.forEach(function (item, i) {
      var y = top + i * rowH;
      root.appendChild(svg("text", { x: labelW - 8, y: y + rowH / 2 + 2, "text-anchor": "end" }, item.label));
      item.values.forEach(function (v, s) {
        var by = y + 4 + s * (barH + 2);
        var w = typeof v === "number" ? Math.max(v * scale, v > 0 ? 1 : 0) : 0;
        root.appendChild(svg("rect", { x: labelW, y: by, width: w, height: barH, class: "bar-" + s }));
        root.appendChild(
          svg("text", { x: labelW + w + 4, y: by + barH - 2, class: "value" }, v === null ? "未设目标" : fmt(v))
        );
      });
    });
    return root;
  }

  function drawChart() {
    if (!current) return;
    var chart = $("chart");
    chart.textContent = "";
    var d = current.data;
    var caption;
    var items;
    var series;
    if (current.report === "progress") {
      var outcome = $("outcome").value;
      if (outcome === "jobs") {
        caption = "提供岗位数：应提供（按每年1000个折算）与已提供";
        series = ["应提供", "已提供"];
        items = d.rows.map(function (r) {
          return { label: r.region_name, values: [r.jobs.required_by_rule, r.jobs.provided] };
        });
      } else {
        var name = OUTCOMES.filter(function (o) {
          return o[0] === outcome;
        })[0][1];
        caption = name + "：各区任务数与完成数";
        series = ["任务数", "完成数"];
        items = d.rows.map(function (r) {
          return { label: r.region_name, values: [r[outcome].target, r[outcome].achieved] };
        });
      }
    } else if (current.report === "services") {
      caption = "有就业意愿人数与本期获得服务人数";
      series = ["有就业意愿", "获得服务"];
      items = d.rows.map(function (r) {
        return { label: r.region_name, values: [r.seekers_wanting_work, r.seekers_served] };
      });
    } else {
      caption = "各培训需求人数";
      series = ["人数"];
      items = d.by_need.map(function (r) {
        return { label: r.training_need, values: [r.seekers] };
      });
    }
    $("chart-caption").textContent = caption;
    if (!items.length) {
      chart.appendChild(el("p", { class: "note", text: "本期没有数据。" }));
      return;
    }
    chart.appendChild(barChart(items, series));
  }

  // --- tables -------------------------------------------------------------------------------------

  function progressTable(d) {
    var head1 = el("tr", {}, [el("th", { rowspan: "2", text: "序号" }), el("th", { rowspan: "2", text: "单位名称" })]);
    var head2 = el("tr");
    OUTCOMES.forEach(function (o) {
      head1.appendChild(el("th", { colspan: "3", text: o[1] }));
      ["任务数", "完成数", "完成率"].forEach(function (t) {
        head2.appendChild(el("th", { text: t }));
      });
    });
    head1.appendChild(el("th", { colspan: "2", text: "提供岗位数" }));
    head2.appendChild(el("th", { text: "应提供（按每年1000个折算）" }));
    head2.appendChild(el("th", { text: "已提供" }));
    var body = el("tbody");
    function cells(row, tr) {
      OUTCOMES.forEach(function (o) {
        var c = row[o[0]];
        tr.appendChild(num(c.target));
        tr.appendChild(num(c.achieved));
        tr.appendChild(num(c.rate === null ? null : c.rate.toFixed(1) + "%"));
      });
      tr.appendChild(num(row.jobs.required_by_rule));
      tr.appendChild(num(row.jobs.provided, row.jobs.provided < row.jobs.required_by_rule ? "short" : ""));
    }
    d.rows.forEach(function (r, i) {
      var tr = el("tr", { "data-region": r.region_code }, [num(i + 1), el("td", { class: "region", text: r.region_name })]);
      cells(r, tr);
      body.appendChild(tr);
    });
    var foot = el("tr", {}, [el("td", { colspan: "2", text: "合计" })]);
    cells(d.totals, foot);
    return el("table", { id: "report-table" }, [
      el("caption", { text: "统计期间 " + d.first_day + " 至 " + d.last_day }),
      el("thead", {}, [head1, head2]),
      body,
      el("tfoot", {}, [foot]),
    ]);
  }

  function simpleTable(id, caption, headers, rows, totals) {
    var thead = el("thead", {}, [
      el(
        "tr",
        {},
        headers.map(function (h) {
          return el("th", { text: h });
        })
      ),
    ]);
    var body = el(
      "tbody",
      {},
      rows.map(function (cells) {
        return el(
          "tr",
          {},
          cells.map(function (c) {
            return typeof c === "number" || c === null ? num(c) : el("td", { text: c });
          })
        );
      })
    );
    var parts = [el("caption", { text: caption }), thead, body];
    if (totals) {
      parts.push(
        el("tfoot", {}, [
          el(
            "tr",
            {},
            totals.map(function (c) {
              return typeof c === "number" ? num(c) : el("td", { text: c || "" });
            })
          ),
        ])
      );
    }
    return el("table", { id: id }, parts);
  }

  function servicesTables(d) {
    var t = d.totals;
    var summary = simpleTable(
      "report-table",
      "统计期间 " + d.first_day + " 至 " + d.last_day + "（服务次数只计本期发生的）",
      ["序号", "输出地", "有就业意愿人数", "获得服务人数", "未获服务人数", "零就业家庭户数", "其中获得3次以上服务户数", "推荐岗位不足3个人数"],
      d.rows.map(function (r, i) {
        return [i + 1, r.region_name, r.seekers_wanting_work, r.seekers_served, r.seekers_not_served,
          r.zero_employment_households, r.zero_employment_households_served_3, r.seekers_under_3_recommendations];
      }),
      ["合计", "", t.seekers_wanting_work, t.seekers_served, t.seekers_not_served, t.zero_employment_households,
        t.zero_employment_households_served_3, t.seekers_under_3_recommendations]
    );
    var names = {};
    d.rows.forEach(function (r) {
      names[r.region_code] = r.region_name;
    });
    var caption = "待补服务名单：共 " + fmt(d.shortfalls_total) + " 人" +
      (d.shortfalls_truncated ? "，此处显示前 " + d.shortfalls.length + " 人，完整名单请下载 Excel" : "");
    var list = simpleTable(
      "shortfalls-table",
      caption,
      ["序号", "输出地", "编号", "姓名", "户编号", "零就业家庭", "本期服务次数", "推荐岗位数", "全户服务次数", "缺项"],
      d.shortfalls.map(function (s, i) {
        return [i + 1, names[s.region_code] || s.region_code, s.external_id, s.name_masked, s.household_id || "",
          s.zero_employment ? "是" : "否", s.services, s.recommendations, s.household_services, s.missing_text];
      })
    );
    return [summary, list];
  }

  function trainingTables(d) {
    return [
      simpleTable(
        "report-table",
        "截至 " + d.as_of + "（有就业意愿、记录在该月底前最后更新的劳动力）",
        ["序号", "输出地", "培训需求", "人数"],
        d.rows.map(function (r, i) {
          return [i + 1, r.region_name, r.training_need, r.seekers];
        }),
        ["合计（按人计）", "", "", d.total_seekers]
      ),
      simpleTable(
        "by-need-table",
        "按培训需求汇总",
        ["序号", "培训需求", "人数"],
        d.by_need.map(function (r, i) {
          return [i + 1, r.training_need, r.seekers];
        })
      ),
    ];
  }

  function render() {
    var d = current.data;
    var label = current.report === "training-needs" ? d.month : d.period;
    $("result-title").textContent = REPORTS[current.report].title + "（" + label + "）";
    $("result-note").textContent =
      current.report === "progress"
        ? "完成数按期间内到岗的劳动力计，同一人同一类别同一期间只计一次；应提供岗位数按每年1000个按月折算。"
        : "";
    $("outcome-wrap").hidden = current.report !== "progress";
    var tables = $("tables");
    tables.textContent = "";
    var built =
      current.report === "progress" ? [progressTable(d)] : current.report === "services" ? servicesTables(d) : trainingTables(d);
    built.forEach(function (t) {
      tables.appendChild(t);
    });
    drawChart();
    $("result").hidden = false;
  }

  // --- actions ------------------------------------------------------------------------------------

  function syncPeriodField() {
    var report = $("report").value;
    var input = $("period");
    var isMonth = REPORTS[report].param === "month";
    $("period-label").textContent = isMonth ? "月份" : "期间";
    input.title = isMonth ? "月份，如 2020-10" : "年 2019、半年 2019-H1、季度 2019-Q3 或月 2019-07";
    $("outcome-wrap").hidden = report !== "progress";
    if (isMonth && !MONTH_RE.test(input.value)) {
      // A period becomes its last month: 2019-H1 → 2019-06.
      var v = input.value;
      var year = v.slice(0, 4);
      var last = { "": "12", "-H1": "06", "-H2": "12", "-Q1": "03", "-Q2": "06", "-Q3": "09", "-Q4": "12" }[v.slice(4)];
      if (/^\d{4}$/.test(year) && last) input.value = year + "-" + last;
    }
  }

  function run(event) {
    if (event) event.preventDefault();
    var report = $("report").value;
    var value = $("period").value.trim();
    var valid = REPORTS[report].param === "month" ? MONTH_RE.test(value) : PERIOD_RE.test(value);
    if (!valid) {
      setStatus(REPORTS[report].param === "month" ? "月份格式应为 2020-10" : "期间格式应为 2019、2019-H1、2019-Q3 或 2019-07", true);
      return;
    }
    document.body.setAttribute("data-state", "loading");
    setStatus("正在查询……");
    request(report, value)
      .then(function (resp) {
        return resp.json();
      })
      .then(function (data) {
        current = { report: report, value: value, data: data };
        render();
        setStatus("已更新：" + new Date(data.generated_at).toLocaleString("zh-CN"));
        document.body.setAttribute("data-state", "loaded");
      })
      .catch(function (err) {
        setStatus(explain(err), true);
        document.body.setAttribute("data-state", "error");
      });
  }

  function filenameFrom(disposition) {
    if (!disposition) return null;
    var star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
    if (star) return decodeURIComponent(star[1]);
    var plain = /filename="([^"]+)"/i.exec(disposition);
    return plain ? plain[1] : null;
  }

  function download(format) {
    if (!current) return;
    setStatus("正在生成" + (format === "xlsx" ? " Excel" : " CSV") + "……");
    request(current.report, current.value, { format: format })
      .then(function (resp) {
        var name = filenameFrom(resp.headers.get("Content-Disposition")) || "report." + format;
        return resp.blob().then(function (blob) {
          var url = URL.createObjectURL(blob);
          var a = el("a", { href: url, download: name });
          document.body.appendChild(a);
          a.click();
          a.remove();
          setTimeout(function () {
            URL.revokeObjectURL(url);
          }, 5000);
          setStatus("已下载 " + name);
        });
      })
      .catch(function (err) {
        setStatus(explain(err), true);
      });
  }

  function init() {
    var fromUrl = readUrl();
    if (fromUrl.report && REPORTS[fromUrl.report]) $("report").value = fromUrl.report;
    if (fromUrl.period) $("period").value = fromUrl.period;
    syncPeriodField();
    if (sessionStorage.getItem(KEY_STORE)) $("key").placeholder = "已保存在本标签页";
    $("query").addEventListener("submit", run);
    $("report").addEventListener("change", syncPeriodField);
    $("outcome").addEventListener("change", drawChart);
    $("download-xlsx").addEventListener("click", function () {
      download("xlsx");
    });
    $("download-csv").addEventListener("click", function () {
      download("csv");
    });
    $("forget").addEventListener("click", function () {
      sessionStorage.removeItem(KEY_STORE);
      $("key").value = "";
      $("key").placeholder = "粘贴 API 密钥";
      setStatus("密钥已清除");
    });
    if (sessionStorage.getItem(KEY_STORE)) run();
    else setStatus("请粘贴 API 密钥后点“查询”。");
  }

  init();
})();
