"""Apache Spark layer (the ``[spark]`` extra): the batch classifier over DataFrames.

:mod:`~dunning_nlp.spark.dataframe` adds batch's columns to a DataFrame through ``mapInPandas``.
"""
