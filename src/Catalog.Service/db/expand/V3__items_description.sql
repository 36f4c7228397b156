-- Release N+1 stores a description. Nullable so that release N, which does not know it, keeps inserting rows.
alter table items add column description text;
