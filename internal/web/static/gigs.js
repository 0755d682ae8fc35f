// 零工市场: fill the latitude and longitude fields of a form from the phone's position, when the
// browser allows it; the fields stay editable and work without this script.
(function () {
  if (!navigator.geolocation) return;
  function fill(form, done) {
    navigator.geolocation.getCurrentPosition(function (p) {
      var lat = form.querySelector('[data-geo="lat"]'), lng = form.querySelector('[data-geo="lng"]');
      if (lat && lng) { lat.value = p.coords.latitude.toFixed(5); lng.value = p.coords.longitude.toFixed(5); }
      if (done) done();
    }, function () {}, { enableHighAccuracy: true, timeout: 8000 });
  }
  document.querySelectorAll('[data-geo-fill]').forEach(function (b) {
    b.hidden = false;
    b.addEventListener('click', function () { fill(b.form, function () { b.form.submit(); }); });
  });
  document.querySelectorAll('form.checkin').forEach(function (f) {
    var lat = f.querySelector('[data-geo="lat"]');
    if (lat && !lat.value) fill(f);
  });
})();
