// Renders the subset of Feishu card JSON 2.0 that Duban sends, readably: header, markdown, paged tables, charts
// (drawn with VChart, as Feishu does), buttons and forms that call back.
(function () {
  // Every piece of data goes through esc before it meets innerHTML; app.js and clock.js use the same one.
  const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  window.sandboxEscape = esc;
  const nameOf = (id) => (window.sandboxNameOf ? window.sandboxNameOf(id) : id);

  // Feishu shows the numeric entities Duban escapes user text with (&#60; …) as the characters; so does the page.
  function inline(t) {
    return esc(t)
      .replace(/&amp;#(\d{1,7});/g, '&#$1;')
      .replace(/&lt;at (?:id|user_id)=(?:&quot;|&#39;)?([^&\s]+?)(?:&quot;|&#39;)?&gt;&lt;\/at&gt;/g, (_, id) => `<span class="at">@${esc(id === 'all' ? '所有人' : nameOf(id))}</span>`)
      .replace(/&lt;font color=(?:&#39;|&quot;)?(\w+)(?:&#39;|&quot;)?&gt;(.*?)&lt;\/font&gt;/g, '<span style="color:$1">$2</span>')
      .replace(/\*\*(.+?)\*\*/g, '<b>$1</b>')
      .replace(/`([^`]+)`/g, '<code>$1</code>')
      .replace(/\[(.+?)\]\((https?:[^)\s]+)\)/g, '<a href="$2" target="_blank" rel="noopener">$1</a>');
  }

  function markdown(src) {
    const out = [];
    let table = null;
    for (const line of String(src ?? '').split('\n')) {
      if (/^\s*\|.*\|\s*$/.test(line)) {
        const cells = line.trim().slice(1, -1).split('|').map((c) => c.trim());
        if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
        if (!table) out.push({ table: (table = []) });
        table.push(cells);
        continue;
      }
      table = null;
      const h = /^(#{1,4})\s+(.*)$/.exec(line);
      if (h) out.push(`<p class="h">${inline(h[2])}</p>`);
      else if (/^\s*[-*]\s+/.test(line)) out.push(`<p class="li">• ${inline(line.replace(/^\s*[-*]\s+/, ''))}</p>`);
      else if (/^\s*>\s?/.test(line)) out.push(`<p class="quote">${inline(line.replace(/^\s*>\s?/, ''))}</p>`);
      else if (line.trim() === '') out.push('<p class="gap"></p>');
      else out.push(`<p>${inline(line)}</p>`);
    }
    return out
      .map((o) => (typeof o === 'string' ? o : `<table>${o.table.map((r, i) => `<tr>${r.map((c) => (i === 0 ? `<th>${inline(c)}</th>` : `<td>${inline(c)}</td>`)).join('')}</tr>`).join('')}</table>`))
      .join('');
  }

  function cellHtml(col, v) {
    if (col.data_type === 'lark_md') return markdown(v);
    if (Array.isArray(v)) return esc(v.map((o) => o.text ?? o).join('、'));
    return esc(v);
  }

  // Feishu pages a table by page_size (default 5); so does the sandbox, with the row count shown.
  function table(el) {
    const wrap = document.createElement('div');
    wrap.className = 'table';
    const cols = el.columns || [];
    const rows = el.rows || [];
    const size = el.page_size || 5;
    const pages = Math.max(1, Math.ceil(rows.length / size));
    let page = 0;
    const draw = () => {
      const shown = rows.slice(page * size, page * size + size);
      wrap.innerHTML =
        `<table><tr>${cols.map((c) => `<th${c.width ? ` style="width:${esc(c.width)}"` : ''}>${esc(c.display_name || c.name)}</th>`).join('')}</tr>` +
        shown.map((r) => `<tr>${cols.map((c) => `<td class="${c.data_type === 'number' || c.horizontal_align === 'right' ? 'num' : ''}">${cellHtml(c, r[c.name])}</td>`).join('')}</tr>`).join('') +
        '</table>';
      if (pages > 1) {
        const nav = document.createElement('div');
        nav.className = 'pager';
        const prev = document.createElement('button');
        prev.type = 'button';
        prev.textContent = '‹';
        prev.disabled = page === 0;
        prev.onclick = () => { page--; draw(); };
        const next = document.createElement('button');
        next.type = 'button';
        next.textContent = '›';
        next.disabled = page === pages - 1;
        next.onclick = () => { page++; draw(); };
        const label = document.createElement('span');
        label.textContent = `第 ${page + 1}/${pages} 页，共 ${rows.length} 行`;
        nav.append(prev, label, next);
        wrap.appendChild(nav);
      }
    };
    draw();
    return wrap;
  }

  function button(el, ctx) {
    const b = document.createElement('button');
    b.type = el.form_action_type === 'submit' ? 'submit' : el.form_action_type === 'reset' ? 'reset' : 'button';
    b.textContent = el.text?.content ?? '按钮';
    b.className = /^primary/.test(el.type || '') ? 'primary' : /^danger/.test(el.type || '') ? 'danger' : '';
    if (el.name) b.name = el.name;
    b.dataset.testid = 'card-button';
    const cb = (el.behaviors || []).find((x) => x.type === 'callback');
    const link = (el.behaviors || []).find((x) => x.type === 'open_url');
    if (b.type === 'submit') {
      if (cb) b.dataset.value = JSON.stringify(cb.value);
      return b;
    }
    b.addEventListener('click', () => {
      if (link) window.open(link.default_url, '_blank', 'noopener');
      else if (cb) ctx.callback({ value: cb.value, name: el.name, button: b });
    });
    return b;
  }

  function element(el, ctx) {
    const div = document.createElement('div');
    switch (el.tag) {
      case 'markdown':
        div.className = `md ${el.text_size === 'notation' ? 'notation' : ''}`;
        div.innerHTML = markdown(el.content);
        return div;
      case 'div':
        div.className = 'md';
        div.innerHTML = el.text?.tag === 'lark_md' ? markdown(el.text.content) : esc(el.text?.content);
        return div;
      case 'hr':
        return document.createElement('hr');
      case 'table':
        return table(el);
      case 'column_set': {
        div.className = `cols ${el.flex_mode === 'flow' ? 'flow' : ''}`;
        for (const col of el.columns || []) {
          const c = document.createElement('div');
          c.className = col.width === 'auto' ? 'auto' : '';
          if (col.weight) c.style.flexGrow = col.weight;
          for (const e of col.elements || []) c.appendChild(element(e, ctx));
          div.appendChild(c);
        }
        return div;
      }
      case 'button':
        return button(el, ctx);
      case 'input': {
        div.className = 'field';
        if (el.label) {
          const l = document.createElement('label');
          l.textContent = el.label.content;
          div.append(l);
        }
        const i = document.createElement('input');
        i.name = el.name;
        i.required = !!el.required;
        i.placeholder = el.placeholder?.content ?? '';
        if (el.max_length) i.maxLength = el.max_length;
        div.append(i);
        return div;
      }
      case 'date_picker': {
        div.className = 'field';
        const l = document.createElement('label');
        l.textContent = el.placeholder?.content ?? '日期';
        const i = document.createElement('input');
        i.type = 'date';
        i.name = el.name;
        i.required = !!el.required;
        if (el.initial_date) i.value = el.initial_date;
        div.append(l, i);
        return div;
      }
      case 'form': {
        const f = document.createElement('form');
        f.className = 'card-form';
        for (const e of el.elements || []) f.appendChild(element(e, ctx));
        f.addEventListener('submit', (ev) => {
          ev.preventDefault();
          const formValue = {};
          for (const input of f.querySelectorAll('input')) if (input.name) formValue[input.name] = input.value;
          const btn = ev.submitter;
          ctx.callback({ value: btn && btn.dataset.value ? JSON.parse(btn.dataset.value) : {}, formValue, name: btn?.name, button: btn });
        });
        return f;
      }
      case 'chart': {
        div.className = 'chart';
        const ratio = { '1:1': '1 / 1', '2:1': '2 / 1', '4:3': '4 / 3', '16:9': '16 / 9' }[el.aspect_ratio || '16:9'];
        if (el.height && el.height !== 'auto') div.style.height = el.height;
        else div.style.aspectRatio = ratio;
        div.dataset.testid = 'card-chart';
        ctx.charts.push({ node: div, spec: el.chart_spec });
        return div;
      }
      default:
        div.className = 'hint';
        div.textContent = `[${el.tag}]`;
        return div;
    }
  }

  function drawChart(c) {
    const VChart = window.VChart && (window.VChart.default || window.VChart.VChart);
    if (!VChart) {
      c.node.textContent = '（图表：VChart 未加载）';
      return;
    }
    try {
      // Feishu draws specs as plain JSON; a deep copy keeps VChart from writing into the message we keep.
      const chart = new VChart(JSON.parse(JSON.stringify(c.spec)), { dom: c.node, animation: false });
      chart.renderSync();
      c.node.dataset.rendered = 'true';
      new ResizeObserver(() => chart.resize(c.node.clientWidth, c.node.clientHeight)).observe(c.node);
    } catch (e) {
      c.node.textContent = '图表渲染失败：' + e.message;
    }
  }

  /** Builds a DOM node for a card; `callback({value, formValue, name, button})` is called for buttons and form submits. */
  window.renderCard = function renderCard(card, callback) {
    const root = document.createElement('div');
    root.className = 'bubble card';
    const ctx = { callback, charts: [] };
    if (card.header) {
      const h = document.createElement('div');
      h.className = `card-header ${esc(card.header.template || 'default')}`;
      h.innerHTML = `<div class="title">${esc(card.header.title?.content)}</div>${card.header.subtitle ? `<div class="subtitle">${esc(card.header.subtitle.content)}</div>` : ''}`;
      root.appendChild(h);
    }
    const body = document.createElement('div');
    body.className = 'card-body';
    for (const el of card.body?.elements || card.elements || []) body.appendChild(element(el, ctx));
    root.appendChild(body);
    // Charts need their box laid out before they draw.
    requestAnimationFrame(() => ctx.charts.forEach(drawChart));
    return root;
  };
})();
