module github.com/vajrasearch/vajra/bindings/python

go 1.26.0

require github.com/vajrasearch/vajra v0.0.0

replace github.com/vajrasearch/vajra => ../..
