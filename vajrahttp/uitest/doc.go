// Package uitest drives the web UI that package vajrahttp serves in a real headless Chromium:
// it loads the page from the real handler on loopback, types, clicks and presses keys as a
// person would, and checks what the page shows. It has no code but its tests; they skip only
// where no Chromium can be found (Debian's chromium package, or VAJRA_CHROMIUM naming one).
//
// Every test saves a screenshot: into docs/screenshots when VAJRA_SCREENSHOTS=1, else into a
// temporary folder, so that a test run leaves the tree as it was.
package uitest
