-- Version 6: compressed result details.
--
-- A run of many customers stores each `result_details.detail` as a zstd frame compressed with a
-- dictionary trained on a sample of that run's own details, kept here. NULL: the run's details
-- are plain JSON text (every run written before this version, and small runs). The details of a
-- 1M-customer run shrink about sixfold (2.0 GB of JSON), which is most of the bytes a run
-- writes; `custval customer show ID --format json` prints a detail as JSON whichever way it is
-- stored.
ALTER TABLE runs ADD COLUMN detail_dict BLOB;
