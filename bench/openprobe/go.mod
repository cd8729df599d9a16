module github.com/vajrasearch/vajra/bench/openprobe

go 1.26.0

require github.com/vajrasearch/vajra v0.0.0

require (
	github.com/blevesearch/snowballstem v0.9.0 // indirect
	github.com/clipperhouse/uax29/v2 v2.7.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/text v0.44.0 // indirect
)

replace github.com/vajrasearch/vajra => ../..
