// The sandbox page: pick a person and a chat, type, and watch the bot answer; cards call back; files download.
(function () {
  const $ = (id) => document.getElementById(id);
  const ROLE = { admin: '管理员', leader: '领导', secretary: '书记', member: '党员' };
  // Names of people, branches and chats are typed by users: they reach the page as text only.
  const esc = (s) => window.sandboxEscape(s);
  const state = { people: [], chats: [], commands: [], chat: null, cursor: 0, lines: [], unread: {}, nextProblem: 1, tourProblem: null, loaded: false };

  async function api(path, body) {
    const res = await fetch('/sandbox/api/' + path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(json.error || `HTTP ${res.status}`);
    return json;
  }

  function toast(msg, type) {
    const t = $('toast');
    t.textContent = msg;
    t.className = `toast show ${type || ''}`;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => (t.className = 'toast'), 3000);
  }

  const fmtTime = (iso) => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  const me = () => state.people.find((p) => p.id === $('person').value);
  const chatOf = (id) => state.chats.find((c) => c.id === id);
  window.sandboxNameOf = (id) => state.people.find((p) => p.id === id)?.name ?? id;

  // ---- people and chats ----
  function renderPeople(keep) {
    const groups = new Map();
    for (const p of state.people) {
      const g = p.role === 'admin' || p.role === 'leader' ? '局领导与党建办' : p.branch || '未分支部';
      groups.set(g, [...(groups.get(g) || []), p]);
    }
    $('person').innerHTML = [...groups]
      .map(([g, list]) => `<optgroup label="${esc(g)}">${list.map((p) => `<option value="${esc(p.id)}">${esc(p.name)}（${esc(ROLE[p.role] || p.role)}${p.branch ? '·' + esc(p.branch) : ''}）</option>`).join('')}</optgroup>`)
      .join('');
    if (keep && state.people.some((p) => p.id === keep)) $('person').value = keep;
  }

  function visibleChats() {
    const p = me();
    return state.chats.filter((c) => c.kind !== 'p2p' || c.personId === p?.id);
  }

  function renderChats() {
    const p = me();
    const list = visibleChats();
    if (!list.some((c) => c.id === state.chat)) state.chat = (list.find((c) => c.kind !== 'p2p' && c.members.includes(p?.id)) || list[0])?.id;
    $('chats').innerHTML = '';
    for (const c of list) {
      const li = document.createElement('li');
      const inside = c.members.includes(p?.id);
      li.dataset.chat = c.id;
      li.className = `${c.id === state.chat ? 'active' : ''} ${inside ? '' : 'outside'}`;
      li.innerHTML = `<span>${c.kind === 'p2p' ? '与督办私聊' : esc(c.name)}${inside ? '' : '<small>（旁观）</small>'}</span>`;
      if (state.unread[c.id]) li.insertAdjacentHTML('beforeend', `<span class="badge">${esc(state.unread[c.id])}</span>`);
      li.onclick = () => selectChat(c.id);
      $('chats').appendChild(li);
    }
    const cur = chatOf(state.chat);
    $('chat-title').textContent = cur ? (cur.kind === 'p2p' ? `与督办私聊（${p?.name}）` : cur.name) : '—';
    const inside = cur && cur.members.includes(p?.id);
    $('text').disabled = !inside;
    $('send').disabled = !inside;
    $('text').placeholder = inside ? (cur.kind === 'p2p' ? '输入命令，如 /帮助' : '输入命令，如 /帮助（群里会自动 @督办）') : `${p?.name ?? ''} 不在此群，只能旁观；换一个人发言`;
    const others = Object.entries(state.unread).filter(([id, n]) => n && chatOf(id)?.kind === 'p2p' && chatOf(id)?.personId !== p?.id);
    $('p2p-hint').textContent = others.length ? `其他人的私聊有新消息：${others.map(([id, n]) => `${window.sandboxNameOf(chatOf(id).personId)} ${n} 条`).join('、')}（切换人员查看）` : '';
    renderChips();
  }

  function selectChat(id) {
    state.chat = id;
    state.unread[id] = 0;
    renderChats();
    renderLog();
  }

  // ---- the conversation ----
  async function press(line, { value, formValue, name, button }) {
    if (button) button.disabled = true;
    try {
      const r = await api('card', { personId: $('person').value, messageId: line.messageId, value, formValue, name });
      const replaced = r.card?.type === 'raw' && r.card.data;
      if (replaced) replaceContent(line.messageId, r.card.data);
      if (r.toast) toast(r.toast.content, r.toast.type);
      else toast(replaced ? '卡片已更新' : '已提交（服务端没有返回提示）');
    } catch (e) {
      toast('操作失败：' + e.message, 'error');
    } finally {
      if (button && button.isConnected) button.disabled = false;
    }
  }

  function bodyNode(l) {
    if (l.msgType === 'interactive') return window.renderCard(l.content, (action) => press(l, action));
    const b = document.createElement('div');
    if (l.msgType === 'file') {
      b.className = 'bubble file';
      const a = document.createElement('a');
      a.href = `/sandbox/api/files/${encodeURIComponent(l.content.file_key)}`;
      a.dataset.testid = 'file-link';
      a.textContent = `📎 ${l.fileName || '下载文件'}`;
      a.setAttribute('download', l.fileName || '');
      b.appendChild(a);
      return b;
    }
    b.className = 'bubble';
    b.textContent = l.content?.text ?? JSON.stringify(l.content);
    return b;
  }

  function lineNode(l) {
    const wrap = document.createElement('div');
    wrap.className = `msg ${l.from}`;
    wrap.dataset.testid = l.from === 'bot' ? 'bot-message' : 'user-message';
    wrap.dataset.messageId = l.messageId;
    if (l.replyTo) wrap.dataset.replyTo = l.replyTo;
    const who = document.createElement('div');
    who.className = 'who';
    const asked = l.replyTo && state.lines.find((x) => x.messageId === l.replyTo);
    who.textContent = `${l.from === 'bot' ? '督办' : l.name} · ${fmtTime(l.at)}${asked ? ` · 回复 ${asked.name}` : ''}${l.visibleTo ? ' · 仅对你可见' : ''}`;
    wrap.append(who, bodyNode(l));
    return wrap;
  }

  function replaceContent(messageId, content) {
    const l = state.lines.find((x) => x.messageId === messageId && x.kind !== 'update');
    // The poll brings back the update this page already applied; redrawing would wipe a form being filled in.
    if (!l || JSON.stringify(l.content) === JSON.stringify(content)) return;
    l.content = content;
    const node = [...$('log').children].find((n) => n.dataset.messageId === messageId);
    if (node) node.replaceChild(bodyNode(l), node.lastChild);
  }

  // An ephemeral card (仅对你可见) shows only to the person it was sent to, until it is deleted.
  function visible(l) {
    return !l.deleted && (!l.visibleTo || l.visibleTo === $('person').value);
  }

  function renderLog() {
    const log = $('log');
    log.innerHTML = '';
    const lines = state.lines.filter((x) => x.chatId === state.chat && x.kind !== 'update' && visible(x));
    if (lines.length === 0) log.innerHTML = '<div class="empty">还没有消息。选择上方的示例命令，或在下面输入 /帮助。</div>';
    for (const l of lines) log.appendChild(lineNode(l));
    log.scrollTop = log.scrollHeight;
  }

  // One request at a time, so two ticks never both append the same lines.
  let polling = null;
  function poll() {
    polling = polling || fetchLines().finally(() => (polling = null));
    return polling;
  }

  async function fetchLines() {
    let lines;
    try {
      ({ lines } = await api('messages?after=' + state.cursor));
    } catch {
      return; // server restarting: try again on the next tick
    }
    let othersChanged = false;
    for (const l of lines) {
      if (l.seq <= state.cursor) continue;
      state.cursor = l.seq;
      if (l.kind === 'update') {
        if (l.deleted) {
          const gone = state.lines.find((x) => x.messageId === l.messageId && x.kind !== 'update');
          if (gone) gone.deleted = true;
          [...$('log').children].find((n) => n.dataset.messageId === l.messageId)?.remove();
        } else replaceContent(l.messageId, l.content);
        continue;
      }
      state.lines.push(l);
      if (!visible(l)) continue;
      if (l.chatId === state.chat) {
        $('log').querySelector('.empty')?.remove();
        $('log').appendChild(lineNode(l));
        $('log').scrollTop = $('log').scrollHeight;
      } else if (l.from === 'bot' && state.loaded) {
        state.unread[l.chatId] = (state.unread[l.chatId] || 0) + 1;
        othersChanged = true;
      }
    }
    // What was there before the page opened is history, not news.
    state.loaded = true;
    if (othersChanged) renderChats();
  }

  // ---- suggestions: each command's first example the person may use, with names from this bureau ----
  function localise(text, p) {
    const mates = state.people.filter((x) => x.branchId && x.branchId === p?.branchId && x.id !== p?.id);
    const anyone = state.people.filter((x) => x.role === 'member');
    const pool = mates.length ? mates : anyone;
    let i = 0;
    const branches = [...new Set(state.people.map((x) => x.branch).filter(Boolean))];
    return text
      .replace(/@([\u4e00-\u9fa5]{2,4})/g, (m, n) => (state.people.some((x) => x.name === n) ? m : `@${(pool[i++ % Math.max(1, pool.length)] || { name: n }).name}`))
      .replace(/第[一二三四五六七八九十]支部/g, (m) => (branches.includes(m) ? m : p?.branch || branches[0] || m))
      .replace(/\bP12\b/g, `P${Math.max(1, state.nextProblem - 1)}`);
  }

  function renderChips() {
    const p = me();
    const mine = state.commands.filter((c) => p && (p.role === 'admin' || c.roles.includes(p.role)));
    $('chips').innerHTML = '';
    for (const c of mine) {
      const ex = localise(c.examples[0], p);
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = ex.length > 18 ? ex.slice(0, 18) + '…' : ex;
      b.title = ex;
      b.onclick = () => { $('text').value = ex; $('text').focus(); };
      $('chips').appendChild(b);
    }
  }

  // ---- a five-minute tour, built from whoever is in this bureau ----
  function renderTour() {
    const sec = state.people.find((x) => x.role === 'secretary');
    const member = state.people.find((x) => x.role === 'member' && x.branchId === sec?.branchId) || state.people.find((x) => x.role === 'member');
    const leader = state.people.find((x) => x.role === 'leader');
    const group = state.chats.find((c) => c.kind === 'branch' && c.members.includes(member?.id));
    const leaders = state.chats.find((c) => c.kind === 'leadership');
    if (!sec || !member || !group) { $('tour').innerHTML = '<li class="hint">需要至少一个支部、书记和党员。</li>'; return; }
    // Steps 3–6 work on the problem step 2 opened (or, if it was skipped, the latest one); numbers are read on click.
    const n = () => state.tourProblem ?? Math.max(1, state.nextProblem - 1);
    const steps = [
      ['学习登记', member, group, () => '/学习 2小时 自学 《习近平著作选读》第一卷'],
      ['登记问题', sec, group, () => ((state.tourProblem = state.nextProblem), `/问题 窗口高峰期排队时间长 责任单位:政务服务科 时限:下周五 负责人:@${member.name} 来源:群众反映`)],
      ['制定措施', sec, group, () => `/措施 P${n()} 增设自助取号机并优化分流 时限:下周三 负责人:@${member.name}`],
      ['完成措施', member, group, () => `/整改 P${n()}-1 完成 自助取号机已投入使用`],
      ['申请销号', member, group, () => `/销号 P${n()} 高峰期平均等候由25分钟降至8分钟，附现场照片`],
      ['审核销号', sec, group, () => `/审核 P${n()} 通过`, '（或在「待审核」卡片上点「通过」）'],
      ['截止提醒', null, null, null, '在下方「时钟与定时任务」里运行「截止提醒」，提醒出现在支部群'],
      ['领导看进度', leader, leaders, () => '/进度'],
    ];
    $('tour').innerHTML = '';
    steps.forEach(([title, who, chat, text, note], i) => {
      const li = document.createElement('li');
      li.innerHTML = `<b>${i + 1}. ${esc(title)}</b> <span class="hint">${who ? `${esc(who.name)} 在「${chat ? esc(chat.name) : '私聊'}」` : ''}${esc(note || '')}</span>`;
      if (who && chat && text) {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = '填入';
        b.onclick = () => {
          $('person').value = who.id;
          state.chat = chat.id;
          renderChats();
          selectChat(chat.id);
          $('text').value = text();
          $('text').focus();
        };
        li.appendChild(b);
      }
      $('tour').appendChild(li);
    });
  }

  async function refresh() {
    const s = await api('state');
    state.people = s.people;
    state.chats = s.chats;
    state.commands = s.commands;
    state.nextProblem = s.nextProblem;
    window.sandboxClock?.show(s);
    $('data').textContent = s.demo ? `演示局数据：${s.dataFile}` : `体验数据：${s.dataFile}`;
    $('data').className = `data ${s.demo ? 'demo' : ''}`;
    $('demo-how').hidden = s.demo;
    renderFigures(s.figures);
    return s;
  }

  // The figures panel: the bureau and each branch, as /进度 computes them (readBureauFigures on the server).
  function renderFigures(f) {
    if (!f) return;
    $('figures-title').textContent = `数字（${f.period}）`;
    const row = (r) => `<tr><th>${esc(r.short)}</th><td>${r.found}</td><td>${r.rectified}</td><td>${r.overdueProblems}</td><td>${r.sessions}</td><td>${r.hours}</td><td>${r.participations}</td></tr>`;
    $('figures').innerHTML = '<tr><th></th><th>问题</th><th>销号</th><th>逾期</th><th>学习</th><th>学时</th><th>人次</th></tr>' + [f.bureau, ...f.branches].map(row).join('');
  }

  async function init() {
    await refresh();
    renderPeople();
    const first = state.people.find((p) => p.role === 'member') || state.people[0];
    if (first) $('person').value = first.id;
    $('person').onchange = () => { state.chat = null; renderChats(); renderLog(); };
    renderChats();
    renderTour();
    renderLog();
    window.sandboxClock?.init({ api, toast, after: poll, refresh: () => refresh().then(renderTour) });
    $('composer').onsubmit = async (ev) => {
      ev.preventDefault();
      const text = $('text').value.trim();
      if (!text) return;
      $('text').value = '';
      try {
        await api('send', { personId: $('person').value, chatId: state.chat, text });
      } catch (e) {
        toast('发送失败：' + e.message, 'error');
      }
      await poll();
      refresh().then(renderTour).catch(() => {});
    };
    $('demo-how').onclick = () => ($('demo-help').hidden = !$('demo-help').hidden);
    setInterval(poll, 700);
    setInterval(() => refresh().catch(() => {}), 15000);
    await poll();
    document.body.dataset.ready = 'true';
  }
  init();
})();
