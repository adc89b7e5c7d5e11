DROP TABLE vocabulary;
-- (The audit table keeps its wider CHECK: events about the vocabulary stay in the history.)
