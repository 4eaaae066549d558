namespace Stroma.Clinical.Statistics;

/// <summary>Small dense linear algebra for the tests' few-by-few matrices (p covariates, k groups).</summary>
internal static class LinearAlgebra
{
    /// <summary>Solves A·x = b by Gaussian elimination with partial pivoting; NaNs when A is singular.</summary>
    public static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++)
            {
                if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col]))
                {
                    pivot = r;
                }
            }

            if (m[pivot, col] == 0)
            {
                return Enumerable.Repeat(double.NaN, n).ToArray();
            }

            if (pivot != col)
            {
                for (var c = 0; c < n; c++)
                {
                    (m[col, c], m[pivot, c]) = (m[pivot, c], m[col, c]);
                }

                (x[col], x[pivot]) = (x[pivot], x[col]);
            }

            for (var r = col + 1; r < n; r++)
            {
                var f = m[r, col] / m[col, col];
                for (var c = col; c < n; c++)
                {
                    m[r, c] -= f * m[col, c];
                }

                x[r] -= f * x[col];
            }
        }

        for (var r = n - 1; r >= 0; r--)
        {
            var s = x[r];
            for (var c = r + 1; c < n; c++)
            {
                s -= m[r, c] * x[c];
            }

            x[r] = s / m[r, r];
        }

        return x;
    }

    /// <summary>Inverse of a symmetric positive definite matrix (column by column through <see cref="Solve"/>).</summary>
    public static double[,] Inverse(double[,] a)
    {
        var n = a.GetLength(0);
        var inv = new double[n, n];
        for (var c = 0; c < n; c++)
        {
            var e = new double[n];
            e[c] = 1;
            var col = Solve(a, e);
            for (var r = 0; r < n; r++)
            {
                inv[r, c] = col[r];
            }
        }

        return inv;
    }
}
