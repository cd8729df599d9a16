module github.com/vajrasearch/vajra

go 1.26
