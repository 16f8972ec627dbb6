/**
 * The demo page's trigger script (see page.ts): the form that posts a trigger to `/trigger/` as the backend would,
 * its HTTP answer, and the same request as a curl line to copy. It uses `el`, `now`, `roomText` and `LOCATIONS` of
 * page-script.ts, in the same function scope.
 *
 * Written without backticks and without dollar-brace sequences, so this template literal carries it verbatim;
 * its one backslash (in the shell quoting of the curl line) is doubled here.
 *
 * @module
 */
export const TRIGGER_SCRIPT = `
  var select = document.getElementById('t-location');
  var input = document.getElementById('t-message');
  var answer = document.getElementById('t-answer');
  var sendBtn = document.getElementById('t-send');
  var curl = document.getElementById('curl');
  var copyBtn = document.getElementById('copy');
  LOCATIONS.forEach(function (loc) { select.append(el('option', { value: loc, text: roomText(loc) })); });

  function body() { return JSON.stringify({ rooms: [{ location: select.value }], data: { message: input.value } }); }
  function shellQuote(s) { return "'" + s.split("'").join("'\\\\''") + "'"; }
  function updateCurl() {
    curl.textContent = 'curl -X POST ' + location.origin + '/trigger/ -d ' + shellQuote(body());
  }
  select.addEventListener('change', updateCurl);
  input.addEventListener('input', updateCurl);
  updateCurl();

  document.getElementById('trigger-form').addEventListener('submit', function (event) {
    event.preventDefault();
    sendBtn.disabled = true;
    answer.className = 'mono';
    answer.textContent = 'sending…';
    fetch('/trigger/', { method: 'POST', body: body() }).then(function (res) {
      return res.text().then(function (text) {
        answer.textContent = now() + '  ' + res.status + ' ' + text;
        answer.className = 'mono ' + (res.ok ? 'ok' : 'err');
      });
    }).catch(function (err) {
      answer.textContent = now() + '  request failed: ' + (err && err.message ? err.message : String(err));
      answer.className = 'mono err';
    }).then(function () { sendBtn.disabled = false; });
  });

  copyBtn.addEventListener('click', function () {
    var text = curl.textContent;
    function done(ok) {
      copyBtn.textContent = ok ? 'Copied' : 'Select it';
      setTimeout(function () { copyBtn.textContent = 'Copy'; }, 1500);
    }
    function fallback() {
      var range = document.createRange();
      range.selectNodeContents(curl);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      done(ok);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else {
      fallback();
    }
  });
`;
