// The clock panel: the bot's time, and "run this job as of …", which moves the bot's clock there first.
(function () {
  const $ = (id) => document.getElementById(id);
  const WEEK = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
  let deps;
  let jobs = [];

  // A Shanghai wall-clock string for <input type=datetime-local>, and back.
  const toInput = (iso) => new Date(new Date(iso).getTime() + 8 * 3600e3).toISOString().slice(0, 16);
  const fromInput = (v) => new Date(v + ':00+08:00').toISOString();
  function label(iso) {
    const d = new Date(new Date(iso).getTime() + 8 * 3600e3);
    return `${d.toISOString().slice(0, 10)}（${WEEK[d.getUTCDay()]}）${d.toISOString().slice(11, 16)}`;
  }
  function ahead(ms) {
    if (Math.abs(ms) < 60e3) return '';
    const h = Math.round(Math.abs(ms) / 3600e3);
    const span = h >= 48 ? `${Math.round(h / 24)} 天` : h >= 1 ? `${h} 小时` : `${Math.round(Math.abs(ms) / 60e3)} 分钟`;
    return `比实际${ms > 0 ? '快' : '慢'} ${span}`;
  }

  function show(s) {
    $('now').textContent = label(s.now);
    $('offset').textContent = ahead(s.offsetMs);
    $('clock-reset').hidden = Math.abs(s.offsetMs) < 60e3;
    if (!$('job-at').dataset.touched) $('job-at').value = toInput(s.defaultAt);
    jobs = s.jobs;
    renderJobs();
  }

  function renderJobs() {
    $('jobs').innerHTML = jobs.length ? '' : '<li class="hint">没有定时任务</li>';
    for (const j of jobs) {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = `运行「${j.label}」`;
      b.dataset.job = j.name;
      b.onclick = () => run(j, b);
      li.appendChild(b);
      if (j.next) {
        const a = document.createElement('a');
        a.href = '#';
        a.className = 'hint';
        a.textContent = `按计划下次：${label(j.next)}`;
        a.title = '把运行时间设为这一刻';
        a.onclick = (ev) => { ev.preventDefault(); $('job-at').value = toInput(j.next); $('job-at').dataset.touched = '1'; };
        li.appendChild(a);
      }
      $('jobs').appendChild(li);
    }
  }

  async function run(j, button) {
    const at = $('job-at').value ? fromInput($('job-at').value) : undefined;
    button.disabled = true;
    try {
      const r = await deps.api(`jobs/${j.name}/run`, { at });
      const reasons = r.skipped.map((x) => x.reason + (x.detail ? `（${x.detail}）` : '')).join('；');
      // A run that sent nothing leads with why, so the operator never has to guess.
      const sent = r.sent.length ? `发出 ${r.sent.length} 条：${r.sent.map((x) => `${x.where}（${x.summary}）`).join('；')}` : `没有发送：${reasons || '没有要发的消息'}`;
      const skipped = r.sent.length && r.skipped.length ? `\n跳过：${reasons}` : '';
      $('job-result').textContent = `「${j.label}」按 ${label(r.at)} 运行：${sent}${skipped}`;
      await deps.refresh();
      setTimeout(deps.after, 300);
    } catch (e) {
      $('job-result').textContent = '运行失败：' + e.message;
    } finally {
      button.disabled = false;
    }
  }

  window.sandboxClock = {
    show,
    init(d) {
      deps = d;
      $('job-at').oninput = () => ($('job-at').dataset.touched = '1');
      $('clock-reset').onclick = async () => {
        await deps.api('clock', { reset: true });
        delete $('job-at').dataset.touched;
        await deps.refresh();
        deps.toast('机器人时间已恢复为实际时间');
      };
    },
  };
})();
