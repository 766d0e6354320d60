"""Batch scoring of files of articles: readers, writers, the resume journal and the scoring loop.

``newsstance score`` runs :func:`newsstance.batch.scoring.score_files`.
"""
