/**
 * The demo page's orders script (see page.ts): in each user's panel, the `demo.Order` objects that user may read,
 * fetched over REST with the panel's `?token=`, a form to add one at a location the user may write, and delete
 * buttons. The panel calls `published` for every publish its socket receives; one whose data carries `ids` means
 * orders of that room's location changed, and the list is fetched again — so one user's write shows up in the
 * other panels allowed to see it. Changes made while a room was not subscribed were never published to the panel,
 * so the list is fetched again on every greeting and after every successful subscribe (`subscribed`); while the
 * socket is closed (`offline`) the list is marked not live and its writes are disabled.
 *
 * It uses the helpers of page-script.ts (`el`, `pad`, `now`, `show`, `roomText`), declared as functions in the
 * same scope, and is placed before that script so its constants are set when the panels are built.
 *
 * Written without backticks and without dollar-brace sequences, so this template literal carries it verbatim.
 *
 * @module
 */
export const ORDERS_SCRIPT = `
  var ORDER_LOCATIONS = ['Delft', 'Eindhoven', 'Utrecht'];
  var ORDERS_API = '/api/demo/order/';

  /** The locations a greeting's allowed_rooms open to this user: each {location: L}, or every one for "*". */
  function ownLocations(allowed) {
    var out = [];
    (Array.isArray(allowed) ? allowed : []).forEach(function (room) {
      if (!room || typeof room !== 'object' || Object.keys(room).length !== 1 || typeof room.location !== 'string') return;
      (room.location === '*' ? ORDER_LOCATIONS : [room.location]).forEach(function (loc) {
        if (out.indexOf(loc) === -1) out.push(loc);
      });
    });
    return out;
  }
  function clock(date) { return pad(date.getHours()) + ':' + pad(date.getMinutes()); }
  function failure(err) { return 'request failed: ' + (err && err.message ? err.message : String(err)); }
  /** An error answer of the REST API as one line: status, message, and every invalid field. */
  function answerText(res, body) {
    var text = res.status + ' ' + (body && typeof body.error === 'string' ? body.error : res.statusText);
    if (body && Array.isArray(body.details)) text += ': ' + body.details.join('; ');
    return text;
  }
  /** Fetches and parses a JSON answer; resolves to [response, body] (body null when it is not JSON). */
  function fetchJson(url, init) {
    return fetch(url, init).then(function (res) {
      return res.json().then(function (body) { return [res, body]; }, function () { return [res, null]; });
    });
  }

  function createOrders(user) {
    var query = '?token=' + encodeURIComponent(user.token);
    var statusEl = el('span', { class: 'orders-status', text: 'waiting for the greeting' });
    var countEl = el('span');
    var select = el('select', { name: 'location', 'aria-label': 'Location', disabled: '' });
    var item = el('input', { type: 'text', name: 'item', placeholder: 'Item', maxlength: '100', required: '', 'aria-label': 'Item' });
    var qty = el('input', { type: 'number', name: 'qty', min: '1', max: '1000', step: '1', value: '1', required: '', 'aria-label': 'Quantity' });
    var addBtn = el('button', { type: 'submit', class: 'btn primary', text: 'Add order', disabled: '' });
    var form = el('form', { class: 'order-form', autocomplete: 'off' }, select, item, qty, addBtn);
    var replyEl = el('span', { class: 'order-reply', role: 'status' });
    var listEl = el('ul', { class: 'orders', 'aria-label': user.name + ': orders', 'aria-live': 'polite' },
      el('li', { class: 'empty', text: 'Loading…' }));
    var element = el('div', { class: 'orders-box' },
      el('div', { class: 'orders-head' }, el('span', { class: 'label' }, 'Orders ', countEl), statusEl),
      form, replyEl, listEl);

    var shown = null;     // ids of the last list; null before the first, so nothing flashes on load
    var online = false;   // whether the panel's socket is open and greeted: writes are offered only then
    var adding = false;
    var loading = false;
    var again = null;     // why another fetch was asked for while one ran

    function setReply(text, kind) { replyEl.textContent = text; replyEl.className = 'order-reply ' + kind; }
    // One line, cut with an ellipsis by the stylesheet; the whole text is the tooltip.
    function setStatus(text) { statusEl.textContent = text; statusEl.title = text; }
    function setOnline(on) {
      online = on;
      addBtn.disabled = adding || !on || select.options.length === 0;
      listEl.querySelectorAll('.o-del').forEach(function (b) { b.disabled = !on; });
    }

    function render(page) {
      var rows = Array.isArray(page.rows) ? page.rows : [];
      var ids = new Set();
      listEl.replaceChildren();
      rows.forEach(function (o) {
        ids.add(o.id);
        var del = el('button', { type: 'button', class: 'btn o-del', text: 'Delete', 'aria-label': 'Delete order ' + o.id });
        del.disabled = !online;
        del.addEventListener('click', function () { remove(o, del); });
        var created = typeof o.created === 'string' ? ' · ' + clock(new Date(o.created)) : '';
        listEl.append(el('li', { class: shown !== null && !shown.has(o.id) ? 'fresh' : '', 'data-order-id': String(o.id), 'data-location': String(o.location) },
          el('span', { class: 'o-item' }, el('b', { text: String(o.item) }), ' × ' + o.qty),
          el('span', { class: 'o-meta mono', text: '#' + o.id + ' · ' + o.location + created }),
          del));
      });
      if (rows.length === 0) listEl.append(el('li', { class: 'empty', text: 'No orders this user may see.' }));
      shown = ids;
      countEl.textContent = '(' + (rows.length < page.count ? rows.length + ' of ' + page.count : page.count) + ')';
    }

    /** Fetches the list; one asked for meanwhile runs after it, so an older answer never replaces a newer one. */
    function refresh(reason) {
      if (loading) { again = reason; return; }
      loading = true;
      fetchJson(ORDERS_API + query + '&order=-id').then(function (answer) {
        if (!answer[0].ok) throw new Error(answerText(answer[0], answer[1]));
        render(answer[1]);
        setStatus((online ? 'fetched ' : 'not live, fetched ') + now().slice(0, 8) + ' ' + reason);
      }).catch(function (err) {
        setStatus('list: ' + failure(err));
      }).then(function () {
        loading = false;
        if (again !== null) { var next = again; again = null; refresh(next); }
      });
    }

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (!online) return;
      adding = addBtn.disabled = true;
      setReply('POST ' + ORDERS_API + ' …', 'wait');
      var data = { location: select.value, item: item.value, qty: Number(qty.value) };
      fetchJson(ORDERS_API + query, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(data) })
        .then(function (answer) {
          if (answer[0].status !== 201) { setReply(answerText(answer[0], answer[1]), 'err'); return; }
          setReply('201 created #' + answer[1].id + ' at ' + answer[1].location + '; published to ' + roomText(answer[1].location), 'ok');
          item.value = '';
        }, function (err) { setReply(failure(err), 'err'); })
        .then(function () {
          adding = false;
          setOnline(online);
          refresh('after this POST');
        });
    });

    function remove(order, button) {
      button.disabled = true;
      setReply('DELETE #' + order.id + ' …', 'wait');
      fetchJson(ORDERS_API + encodeURIComponent(String(order.id)) + '/' + query, { method: 'DELETE' })
        .then(function (answer) {
          if (answer[0].ok) setReply(answer[0].status + ' deleted #' + order.id, 'ok');
          else setReply(answerText(answer[0], answer[1]), 'err');
        }, function (err) { setReply(failure(err), 'err'); })
        .then(function () { refresh('after this DELETE'); });
    }

    return {
      element: element,
      /** The greeting arrived: offer the user's locations in the form and load the list. Returns those locations. */
      ready: function (allowedRooms) {
        var locations = ownLocations(allowedRooms);
        var chosen = select.value;
        select.replaceChildren();
        locations.forEach(function (loc) { select.append(el('option', { value: loc, text: loc })); });
        if (locations.indexOf(chosen) !== -1) select.value = chosen;
        select.disabled = locations.length === 0;
        setOnline(true);
        refresh('on connect');
        return locations;
      },
      /** The socket closed: the list can go stale unseen until the next greeting, and writes wait for it. */
      offline: function () {
        setOnline(false);
        setStatus('not live: socket closed, fetched again on reconnect');
      },
      /** A room was subscribed to (again): changes made while it was not were never published here. */
      subscribed: function (location) {
        refresh('after subscribing to ' + roomText(location));
      },
      /** A publish reached this panel; data with ids means orders of the room's location changed. */
      published: function (location, data) {
        if (!data || typeof data !== 'object' || !Array.isArray(data.ids)) return;
        refresh('after publish ' + show(data) + (location !== undefined ? ' via ' + roomText(location) : ''));
      },
      /** The backend refused this user: no list to show. */
      refused: function () {
        setStatus('');
        listEl.replaceChildren(el('li', { class: 'empty', text: 'Not authorized: the REST API refuses this token too.' }));
      }
    };
  }
`;
