/* The check-in button (stations/activities/checkin_views.py): before the form goes, ask the
   browser where the phone is and put it in the hidden fields. Without JavaScript, or when the
   location is refused or slow, the form goes without one: check-in never waits on it. */
(function () {
    "use strict";
    var form = document.querySelector("form[data-checkin-form]");
    if (!form || !("geolocation" in navigator)) {
        return;
    }
    var status = form.querySelector("[data-checkin-status]");
    var button = form.querySelector("button[type=submit]");
    var sending = false;

    function send() {
        if (sending) {
            return;
        }
        sending = true;
        form.submit(); // fires no submit event, so this handler does not run again
    }

    // Back from the next page (the browser's cache keeps this one as it was): ready again.
    window.addEventListener("pageshow", function () {
        sending = false;
        button.disabled = false;
        if (status) {
            status.hidden = true;
        }
    });

    form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (button.disabled) {
            return; // a second tap while locating
        }
        button.disabled = true;
        if (status) {
            status.hidden = false;
        }
        // A permission prompt left unanswered must not hold the volunteer up.
        var fallback = window.setTimeout(send, 10000);
        navigator.geolocation.getCurrentPosition(
            function (position) {
                window.clearTimeout(fallback);
                form.elements.lat.value = String(position.coords.latitude);
                form.elements.lng.value = String(position.coords.longitude);
                form.elements.accuracy.value = String(position.coords.accuracy);
                send();
            },
            function () {
                window.clearTimeout(fallback);
                send();
            },
            { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 }
        );
    });
}());
