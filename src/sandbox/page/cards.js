// Renders the subset of Feishu card JSON 2.0 that Duban sends, readably, with working buttons and forms.
(function () {
  const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

  function markdown(src) {
    const lines = String(src ?? '').split('\n');
    const out = [];
    let table = null;
    const inline = (t) =>
      esc(t)
        .replace(/&lt;at id=(?:&quot;)?([^&\s]+?)(?:&quot;)?&gt;&lt;\/at&gt;/g, '<b>@$1</b>')
        .replace(/&lt;font color=(?:&#39;|&quot;)?(\w+)(?:&#39;|&quot;)?&gt;(.*?)&lt;\/font&gt;/g, '<span style="color:$1">$2</span>')
        .replace(/\*\*(.+?)\*\*/g, '<b>$1</b>')
        .replace(/\[(.+?)\]\((https?:[^)]+)\)/g, '<a href="$2" target="_blank" rel="noopener">$1</a>');
    for (const line of lines) {
      if (/^\s*\|.*\|\s*$/.test(line)) {
        const cells = line.trim().slice(1, -1).split('|').map((c) => c.trim());
        if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
        if (!table) { table = []; out.push({ table }); }
        table.push(cells);
        continue;
      }
      table = null;
      const h = /^(#{1,4})\s+(.*)$/.exec(line);
      if (h) out.push(`<p><b>${inline(h[2])}</b></p>`);
      else if (/^\s*[-*]\s+/.test(line)) out.push(`<p>• ${inline(line.replace(/^\s*[-*]\s+/, ''))}</p>`);
      else if (line.trim() === '') out.push('');
      else out.push(`<p>${inline(line)}</p>`);
    }
    return out
      .map((o) => (typeof o === 'string' ? o : `<table>${o.table.map((r, i) => `<tr>${r.map((c) => (i === 0 ? `<th>${inline(c)}</th>` : `<td>${inline(c)}</td>`)).join('')}</tr>`).join('')}</table>`))
      .join('');
  }

  function text(t) {
    if (!t) return '';
    if (typeof t === 'string') return esc(t);
    return t.tag === 'lark_md' ? markdown(t.content) : esc(t.content);
  }

  function element(el, ctx) {
    const div = document.createElement('div');
    switch (el.tag) {
      case 'markdown':
        div.className = 'md';
        div.innerHTML = markdown(el.content);
        return div;
      case 'div':
        div.className = 'md';
        div.innerHTML = text(el.text);
        return div;
      case 'hr':
        return document.createElement('hr');
      case 'table': {
        const cols = el.columns || [];
        const rows = el.rows || [];
        div.innerHTML = `<table><tr>${cols.map((c) => `<th>${esc(c.display_name || c.name)}</th>`).join('')}</tr>${rows
          .map((r) => `<tr>${cols.map((c) => `<td>${c.data_type === 'lark_md' ? markdown(r[c.name]) : esc(Array.isArray(r[c.name]) ? r[c.name].map((o) => o.text ?? o).join('、') : r[c.name])}</td>`).join('')}</tr>`)
          .join('')}</table>`;
        return div;
      }
      case 'column_set': {
        div.className = 'cols';
        for (const col of el.columns || []) {
          const c = document.createElement('div');
          for (const e of col.elements || []) c.appendChild(element(e, ctx));
          div.appendChild(c);
        }
        return div;
      }
      case 'button': {
        const b = document.createElement('button');
        b.type = el.form_action_type === 'submit' ? 'submit' : 'button';
        b.textContent = el.text?.content ?? '按钮';
        if (el.type === 'primary' || el.type === 'primary_filled') b.className = 'primary';
        if (el.type === 'danger' || el.type === 'danger_filled') b.className = 'danger';
        if (el.name) b.name = el.name;
        const cb = (el.behaviors || []).find((x) => x.type === 'callback');
        const link = (el.behaviors || []).find((x) => x.type === 'open_url');
        if (b.type !== 'submit') {
          b.addEventListener('click', () => {
            if (link) window.open(link.default_url, '_blank');
            else if (cb) ctx.callback(cb.value, undefined, b);
          });
        } else if (cb) b.dataset.value = JSON.stringify(cb.value);
        b.dataset.testid = 'card-button';
        return b;
      }
      case 'input': {
        const i = document.createElement('input');
        i.name = el.name;
        i.placeholder = el.placeholder?.content ?? '';
        if (el.label) { const l = document.createElement('label'); l.textContent = el.label.content; div.append(l); }
        div.append(i);
        return div;
      }
      case 'date_picker': {
        const i = document.createElement('input');
        i.type = 'date';
        i.name = el.name;
        if (el.initial_date) i.value = el.initial_date;
        div.append(i);
        return div;
      }
      case 'form': {
        const f = document.createElement('form');
        for (const e of el.elements || []) f.appendChild(element(e, ctx));
        f.addEventListener('submit', (ev) => {
          ev.preventDefault();
          const values = {};
          for (const input of f.querySelectorAll('input')) values[input.name] = input.value;
          const btn = ev.submitter;
          ctx.callback(btn && btn.dataset.value ? JSON.parse(btn.dataset.value) : {}, values, btn);
        });
        return f;
      }
      case 'chart': {
        div.className = 'chart';
        ctx.charts.push({ node: div, spec: el.chart_spec });
        return div;
      }
      default:
        div.className = 'hint';
        div.textContent = `[${el.tag}]`;
        return div;
    }
  }

  /** Builds a DOM node for a card; `callback(value, formValue, button)` is called for buttons. */
  window.renderCard = function renderCard(card, callback) {
    const root = document.createElement('div');
    root.className = 'bubble card';
    const ctx = { callback, charts: [] };
    if (card.header) {
      const h = document.createElement('div');
      h.className = `card-header ${card.header.template || ''}`;
      h.innerHTML = `${esc(card.header.title?.content)}${card.header.subtitle ? `<div class="subtitle">${esc(card.header.subtitle.content)}</div>` : ''}`;
      root.appendChild(h);
    }
    const body = document.createElement('div');
    body.className = 'card-body';
    for (const el of card.body?.elements || card.elements || []) body.appendChild(element(el, ctx));
    root.appendChild(body);
    setTimeout(() => {
      for (const c of ctx.charts) {
        if (window.VChart) {
          try { new window.VChart.default(c.spec, { dom: c.node }).renderSync(); } catch (e) { c.node.textContent = '图表渲染失败：' + e.message; }
        } else c.node.textContent = '（图表：VChart 未加载）';
      }
    });
    return root;
  };
})();
