package vajra

import (
	"context"
	"fmt"

	"github.com/vajrasearch/vajra/internal/storage"
)

// DeleteWhere removes every live document whose metadata matches f, as one write: documents
// written meanwhile are either matched and deleted or not touched, never half. An empty
// filter (which matches everything) is refused; delete the collection instead. Once it
// returns nil the removal is durable (under SyncAlways).
func (c *Collection) DeleteWhere(ctx context.Context, f Filter) (WriteReport, error) {
	if len(f.Clauses) == 0 && len(f.Any) == 0 {
		return WriteReport{}, fmt.Errorf("%w: an empty filter matches every document", ErrInvalidFilter)
	}
	if err := ctxErr(ctx); err != nil {
		return WriteReport{}, err
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	ids, err := c.matchIDs(f)
	if err != nil {
		return WriteReport{}, err
	}
	return c.deleteLocked(ids)
}

// MatchIDs returns the ids of the live documents whose metadata matches f, in insertion
// order of their current versions.
func (c *Collection) MatchIDs(f Filter) ([]string, error) { return c.matchIDs(f) }

func (c *Collection) matchIDs(f Filter) (ids []string, err error) {
	defer c.noteFault(&err)
	defer storage.GuardFault(&err)()
	c.mu.RLock()
	defer c.mu.RUnlock()
	if err := c.readableLocked(); err != nil {
		return nil, err
	}
	meta, err := c.metaIndexLocked()
	if err != nil {
		return nil, err
	}
	set, err := meta.Eval(f, c.live)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidFilter, err)
	}
	set.ForEach(func(iid uint32) bool {
		var id string
		var ok bool
		if id, ok, err = c.docs.id(iid); err != nil {
			return false
		}
		if ok {
			ids = append(ids, id)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}
