package store

// Page asks for one page of a list: lists that can grow are paged in the database.
type Page struct {
	Offset int
	Limit  int
}

// limit returns a sane page size: 50 by default, 500 at most.
func (p Page) limit() int {
	if p.Limit <= 0 {
		return 50
	}
	if p.Limit > 500 {
		return 500
	}
	return p.Limit
}

func (p Page) offset() int {
	if p.Offset < 0 {
		return 0
	}
	return p.Offset
}
