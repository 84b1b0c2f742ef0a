// Starts the Dash renderer. Dash would put this one line inline in the page; our CSP forbids
// inline script, so it is served as a file instead (see dashboard/app.py ShiplogDash).
var renderer = new DashRenderer();
