// The sandbox page: pick a person and a chat, type, and watch the bot answer; run scheduled jobs as of a time.
(function () {
  const $ = (id) => document.getElementById(id);
  const state = { people: [], chats: [], chat: null, cursor: 0, lines: [], unread: {} };
  const EXAMPLES = ['/帮助', '/成员', '/学习 2小时 集中研讨 《习近平著作选读》第一卷', '/志愿 文明交通劝导 3小时', '/我的', '/问题 数据共享不直接 责任单位:数据资源科 时限:12月31日 负责人:@张三', '/截止', '/进度'];

  async function api(path, body) {
    const res = await fetch('/sandbox/api/' + path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(json.error || res.status);
    return json;
  }

  function toast(msg) {
    const t = $('toast');
    t.textContent = msg;
    t.classList.add('show');
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => t.classList.remove('show'), 2500);
  }

  const ROLE = { admin: '管理员', leader: '领导', secretary: '书记', member: '党员' };
  const person = () => state.people.find((p) => p.id === $('person').value);

  function renderChats() {
    const me = person();
    const visible = state.chats.filter((c) => c.kind !== 'p2p' || c.personId === me?.id);
    if (!visible.some((c) => c.id === state.chat)) state.chat = visible[0]?.id;
    $('chats').innerHTML = '';
    for (const c of visible) {
      const li = document.createElement('li');
      li.textContent = c.kind === 'p2p' ? '与督办私聊' : c.name;
      li.dataset.chat = c.id;
      if (c.id === state.chat) li.className = 'active';
      if (state.unread[c.id]) { const b = document.createElement('span'); b.className = 'badge'; b.textContent = state.unread[c.id]; li.appendChild(b); }
      li.onclick = () => { state.chat = c.id; state.unread[c.id] = 0; renderChats(); renderLog(); };
      $('chats').appendChild(li);
    }
    const cur = state.chats.find((c) => c.id === state.chat);
    $('chat-title').textContent = cur ? (cur.kind === 'p2p' ? `与督办私聊（${me?.name}）` : cur.name) : '—';
  }

  function lineNode(l) {
    const wrap = document.createElement('div');
    wrap.className = `msg ${l.from}`;
    wrap.dataset.testid = l.from === 'bot' ? 'bot-message' : 'user-message';
    const who = document.createElement('div');
    who.className = 'who';
    who.textContent = `${l.from === 'bot' ? '督办' : l.name} · ${new Date(l.at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })}`;
    wrap.appendChild(who);
    if (l.msgType === 'interactive') {
      wrap.appendChild(
        window.renderCard(l.content, async (value, formValue, btn) => {
          if (btn) btn.disabled = true;
          try {
            const r = await api('card', { personId: $('person').value, messageId: l.messageId, value, formValue });
            toast(r.toast?.content || '已提交');
          } catch (e) {
            toast('操作失败：' + e.message);
          } finally {
            if (btn) btn.disabled = false;
          }
        }),
      );
    } else if (l.msgType === 'file') {
      const b = document.createElement('div');
      b.className = 'bubble file';
      b.innerHTML = `📎 <a href="/sandbox/api/files/${encodeURIComponent(l.content.file_key)}" data-testid="file-link">下载文件</a>`;
      wrap.appendChild(b);
    } else {
      const b = document.createElement('div');
      b.className = 'bubble';
      b.textContent = l.content.text ?? JSON.stringify(l.content);
      wrap.appendChild(b);
    }
    return wrap;
  }

  function renderLog() {
    const log = $('log');
    log.innerHTML = '';
    for (const l of state.lines.filter((x) => x.chatId === state.chat)) log.appendChild(lineNode(l));
    log.scrollTop = log.scrollHeight;
  }

  async function poll() {
    try {
      const { lines } = await api('messages?after=' + state.cursor);
      for (const l of lines) {
        state.cursor = Math.max(state.cursor, l.seq);
        state.lines.push(l);
        if (l.chatId === state.chat) {
          $('log').appendChild(lineNode(l));
          $('log').scrollTop = $('log').scrollHeight;
        } else if (l.from === 'bot') state.unread[l.chatId] = (state.unread[l.chatId] || 0) + 1;
      }
      if (lines.some((l) => l.chatId !== state.chat)) renderChats();
    } catch (e) {
      /* server restarting: try again on the next tick */
    }
  }

  async function refreshState() {
    const s = await api('state');
    $('now').textContent = new Date(s.now).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
    return s;
  }

  async function init() {
    const s = await refreshState();
    state.people = s.people;
    state.chats = s.chats;
    $('person').innerHTML = s.people.map((p) => `<option value="${p.id}">${p.name}（${ROLE[p.role] || p.role}${p.branch ? '·' + p.branch : ''}）</option>`).join('');
    $('person').onchange = () => { renderChats(); renderLog(); };
    const local = new Date(new Date(s.now).getTime() + 8 * 3600e3).toISOString().slice(0, 16);
    $('job-at').value = local;
    $('jobs').innerHTML = s.jobs.length ? '' : '<li class="hint">定时任务尚未配置</li>';
    for (const j of s.jobs) {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.textContent = `运行：${j.label}（${j.name}）`;
      b.dataset.job = j.name;
      b.onclick = async () => {
        const at = $('job-at').value ? new Date($('job-at').value + ':00+08:00').toISOString() : undefined;
        try {
          const r = await api(`jobs/${j.name}/run`, { at });
          $('job-result').textContent = `${j.name}：发送 ${r.sent?.length ?? 0} 条${r.skipped?.length ? `，跳过：${r.skipped.map((x) => x.reason).join('；')}` : ''}`;
        } catch (e) {
          $('job-result').textContent = '运行失败：' + e.message;
        }
      };
      li.appendChild(b);
      $('jobs').appendChild(li);
    }
    for (const ex of EXAMPLES) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = ex.length > 16 ? ex.slice(0, 16) + '…' : ex;
      b.title = ex;
      b.onclick = () => { $('text').value = ex; $('text').focus(); };
      $('chips').appendChild(b);
    }
    renderChats();
    $('composer').onsubmit = async (ev) => {
      ev.preventDefault();
      const text = $('text').value.trim();
      if (!text) return;
      $('text').value = '';
      try {
        await api('send', { personId: $('person').value, chatId: state.chat, text });
      } catch (e) {
        toast('发送失败：' + e.message);
      }
      poll();
    };
    setInterval(poll, 700);
    setInterval(refreshState, 15000);
    poll();
  }
  init();
})();
